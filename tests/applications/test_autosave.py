import datetime
import json

from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from applications.enums import ApplicationState
from applications.views import make_draft_token
from portal.accounts.models import Session
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    TeamMemberFactory,
    UserFactory,
)


def autosave(client, application, fields, *, version, token=""):
    return client.post(
        reverse("applications:autosave", args=[application.reference]),
        data=json.dumps({"version": version, "fields": fields, "draft_token": token}),
        content_type="application/json",
    )


def test_autosave_saves_the_fields_and_bumps_the_version(client, user):
    application = ApplicationFactory(created_by=user, title="")
    client.force_login(user)

    response = autosave(
        client,
        application,
        {"title": "Rues calmes", "accepts_charter": True, "themes": ["parking"]},
        version=1,
    )

    body = response.json()
    assert response.status_code == 200
    assert body["version"] == 2
    assert sorted(body["saved"]) == ["accepts_charter", "themes", "title"]
    assert body["conflicts"] == {}
    assert len(body["saved_at_display"]) == 5  # "14:32"
    application.refresh_from_db()
    assert application.title == "Rues calmes"
    assert application.themes == ["parking"]
    assert application.charter_version == "1.0"
    assert application.field_versions == {
        "title": 2,
        "accepts_charter": 2,
        "themes": 2,
    }
    assert application.updated_by == user


def test_autosave_unchanged_values_do_not_bump_the_version(client, user):
    application = ApplicationFactory(created_by=user, title="Rues calmes")
    client.force_login(user)

    response = autosave(client, application, {"title": "Rues calmes"}, version=1)

    assert response.json()["version"] == 1
    assert response.json()["saved"] == []


def test_autosave_after_session_expiry_with_token_saves_the_text(client, user):
    application = ApplicationFactory(created_by=user, problem="")
    client.force_login(user)
    page = client.get(
        reverse("applications:application_edit", args=[application.reference])
    )
    token = page.context["form"]["draft_token"].value()
    # The session expires on the server (a logout would end the token too).
    Session.objects.filter(session_key=client.session.session_key).delete()

    response = autosave(
        client,
        application,
        {"problem": "Le bruit des terrasses après minuit."},
        version=1,
        token=token,
    )

    assert response.status_code == 200
    assert response.json()["session_expired"] is True
    application.refresh_from_db()
    assert application.problem == "Le bruit des terrasses après minuit."
    assert application.updated_by == user
    client.force_login(user)
    again = client.get(
        reverse("applications:application_edit", args=[application.reference])
    )
    assert "Le bruit des terrasses après minuit." in again.content.decode()


def test_autosave_without_session_or_token_is_refused(client, user):
    application = ApplicationFactory(created_by=user, title="Avant")

    response = autosave(client, application, {"title": "Pirate"}, version=1)

    assert response.status_code == 401
    assert response.json()["login"] is True
    application.refresh_from_db()
    assert application.title == "Avant"


def test_autosave_token_of_another_application_is_refused(client, user):
    mine = ApplicationFactory(created_by=user)
    other = ApplicationFactory(created_by=user, title="Avant")
    token = make_draft_token(mine, user)

    response = autosave(client, other, {"title": "Pirate"}, version=1, token=token)

    assert response.status_code == 401
    other.refresh_from_db()
    assert other.title == "Avant"


def test_autosave_token_expires_after_24_hours(client, user):
    application = ApplicationFactory(created_by=user, title="Avant")
    with freeze_time(timezone.now() - datetime.timedelta(hours=25)):
        token = make_draft_token(application, user)

    response = autosave(client, application, {"title": "Tard"}, version=1, token=token)

    assert response.status_code == 401
    application.refresh_from_db()
    assert application.title == "Avant"


def test_autosave_token_of_a_removed_member_is_refused(client, db):
    application = ApplicationFactory(title="Avant")
    member = TeamMemberFactory(application=application)
    token = make_draft_token(application, member.user)
    member.delete()

    response = autosave(
        client, application, {"title": "Pirate"}, version=1, token=token
    )

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.title == "Avant"


def test_autosave_two_members_same_field_second_is_told_and_loses_nothing(client, db):
    application = ApplicationFactory(title="Départ")
    lead = application.created_by
    member = TeamMemberFactory(application=application).user
    # Both opened the page at version 1.
    client.force_login(lead)
    first = autosave(client, application, {"title": "Version de Léa"}, version=1)
    assert first.status_code == 200

    client.force_login(member)
    second = autosave(
        client,
        application,
        {"title": "Version de Mehdi", "summary": "Résumé de Mehdi"},
        version=1,
    )

    body = second.json()
    assert second.status_code == 409
    assert body["conflicts"]["title"]["theirs"] == "Version de Léa"
    assert body["saved"] == ["summary"]
    application.refresh_from_db()
    assert application.title == "Version de Léa"
    assert application.summary == "Résumé de Mehdi"

    # Told, Mehdi deliberately keeps his version: he sends it from the new version.
    third = autosave(
        client, application, {"title": "Version de Mehdi"}, version=body["version"]
    )
    assert third.status_code == 200
    application.refresh_from_db()
    assert application.title == "Version de Mehdi"


def test_autosave_two_members_different_fields_are_merged(client, db):
    application = ApplicationFactory()
    member = TeamMemberFactory(application=application).user
    client.force_login(application.created_by)
    autosave(client, application, {"problem": "Problème"}, version=1)
    client.force_login(member)

    response = autosave(client, application, {"milestones": "Jalons"}, version=1)

    assert response.status_code == 200
    application.refresh_from_db()
    assert (application.problem, application.milestones) == ("Problème", "Jalons")
    assert application.version == 3


def test_autosave_same_value_typed_by_both_is_not_a_conflict(client, db):
    application = ApplicationFactory()
    member = TeamMemberFactory(application=application).user
    client.force_login(application.created_by)
    autosave(client, application, {"title": "Même titre"}, version=1)
    client.force_login(member)

    response = autosave(client, application, {"title": "Même titre"}, version=1)

    assert response.status_code == 200
    assert response.json()["conflicts"] == {}


def test_autosave_invalid_value_is_reported_and_the_rest_saved(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    response = client.post(
        f"/en/appels/candidatures/{application.reference}/enregistrer/",
        data=json.dumps(
            {
                "version": 1,
                "fields": {"maturity": "legendary", "target_users": "Habitants"},
            }
        ),
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert "maturity" in body["errors"]
    assert "Select a valid choice" in body["errors"]["maturity"]
    application.refresh_from_db()
    assert application.target_users == "Habitants"
    assert application.maturity == ""


def test_autosave_requested_dataset_purpose_and_granularity(client, user):
    application = ApplicationFactory(created_by=user)
    dataset = application.call.datasets.get(slug="parking-occupancy")
    client.force_login(user)

    autosave(
        client,
        application,
        {
            f"dataset_{dataset.pk}": True,
            f"dataset_{dataset.pk}_purpose": "Places de livraison libres.",
            f"dataset_{dataset.pk}_granularity": "15min",
        },
        version=1,
    )

    row = application.requested_datasets.get()
    assert (row.dataset, row.purpose, row.granularity) == (
        dataset,
        "Places de livraison libres.",
        "15min",
    )
    autosave(client, application, {f"dataset_{dataset.pk}": False}, version=2)
    assert not application.requested_datasets.exists()


def test_autosave_extra_answers_are_stored_by_question(client, user):
    from tests.applications.factories import ExtraQuestionFactory

    application = ApplicationFactory(created_by=user)
    number = ExtraQuestionFactory(call=application.call, kind="number")
    choice = ExtraQuestionFactory(
        call=application.call,
        kind="multiple_choice",
        choices=[
            {"value": "a", "label_fr": "A", "label_en": "A"},
            {"value": "b", "label_fr": "B", "label_en": "B"},
        ],
    )
    client.force_login(user)

    autosave(
        client,
        application,
        {f"extra_{number.pk}": "12", f"extra_{choice.pk}": ["b", "a"]},
        version=1,
    )

    application.refresh_from_db()
    assert application.extra_answers == {str(number.pk): 12, str(choice.pk): ["b", "a"]}


def test_autosave_after_the_deadline_is_refused(client, user):
    now = timezone.now()
    call = CallFactory(
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now - datetime.timedelta(seconds=1),
    )
    application = ApplicationFactory(call=call, created_by=user, title="Avant")
    client.force_login(user)

    response = autosave(client, application, {"title": "Trop tard"}, version=1)

    assert response.status_code == 403
    assert response.json()["closed"] is True
    application.refresh_from_db()
    assert application.title == "Avant"


def test_autosave_submitted_application_can_still_be_edited(client, user):
    application = ApplicationFactory(created_by=user, state=ApplicationState.SUBMITTED)
    client.force_login(user)

    response = autosave(client, application, {"title": "Corrigé"}, version=1)

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.title == "Corrigé"


def test_autosave_outsider_gets_404_organiser_403(client, organiser, other_user):
    application = ApplicationFactory(title="Avant")
    client.force_login(other_user)
    outsider = autosave(client, application, {"title": "X"}, version=1)
    client.force_login(organiser)
    staff = autosave(client, application, {"title": "X"}, version=1)

    assert (outsider.status_code, staff.status_code) == (404, 403)
    application.refresh_from_db()
    assert application.title == "Avant"


def test_autosave_malformed_body_is_400(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    response = client.post(
        reverse("applications:autosave", args=[application.reference]),
        data="{not json",
        content_type="application/json",
    )

    assert response.status_code == 400


def test_edit_plain_post_after_session_expiry_saves_and_asks_to_log_in(client, user):
    application = ApplicationFactory(created_by=user, title="Avant")
    token = make_draft_token(application, user)

    response = client.post(
        reverse("applications:application_edit", args=[application.reference]),
        {"version": 1, "draft_token": token, "title": "Écrit hors session"},
    )

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    application.refresh_from_db()
    assert application.title == "Écrit hors session"


def test_edit_plain_post_unchanged_fields_do_not_undo_a_teammates_edit(client, db):
    application = ApplicationFactory(title="Départ", summary="")
    member = TeamMemberFactory(application=application, user=UserFactory()).user
    client.force_login(member)
    page = client.get(
        reverse("applications:application_edit", args=[application.reference])
    )
    form_data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if not isinstance(value, bool) and value is not None
    }
    posted = {f"initial-{key}": value for key, value in form_data.items()}
    posted.update(form_data)
    client.force_login(application.created_by)
    autosave(client, application, {"title": "Version de Léa"}, version=1)
    client.force_login(member)

    posted.update({"version": 1, "summary": "Résumé de Mehdi"})
    response = client.post(
        reverse("applications:application_edit", args=[application.reference]),
        posted,
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Version de Léa"
    assert application.summary == "Résumé de Mehdi"


def test_edit_plain_post_conflict_keeps_the_users_text(client, db):
    application = ApplicationFactory(title="Départ")
    member = TeamMemberFactory(application=application, user=UserFactory()).user
    client.force_login(application.created_by)
    autosave(client, application, {"title": "Version de Léa"}, version=1)
    client.force_login(member)

    response = client.post(
        f"/en/appels/candidatures/{application.reference}/modifier/",
        {"version": 1, "title": "Version de Mehdi"},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone in your team changed this field" in html
    assert 'value="Version de Mehdi"' in html
    assert "Version de Léa" in html
    application.refresh_from_db()
    assert application.title == "Version de Léa"


def test_edit_plain_post_conflict_page_shows_teammates_other_changes(client, db):
    application = ApplicationFactory(title="Départ", summary="Ancien résumé")
    member = TeamMemberFactory(application=application, user=UserFactory()).user
    client.force_login(member)
    page = client.get(
        reverse("applications:application_edit", args=[application.reference])
    )
    initial = {
        key: value
        for key, value in page.context["form"].initial.items()
        if isinstance(value, str) and key not in ("draft_token",)
    }
    posted = {f"initial-{key}": value for key, value in initial.items()}
    posted.update(initial)
    client.force_login(application.created_by)
    autosave(
        client,
        application,
        {"title": "Titre de Léa", "summary": "Résumé de Léa"},
        version=1,
    )
    client.force_login(member)

    posted.update({"version": 1, "title": "Titre de Mehdi"})
    response = client.post(
        reverse("applications:application_edit", args=[application.reference]),
        posted,
    )

    assert response.status_code == 409
    form = response.context["form"]
    assert form["title"].value() == "Titre de Mehdi"
    assert form["summary"].value() == "Résumé de Léa"
    # Saving the page again, as shown, replaces the title only.
    again = dict(form.data.items())
    client.post(
        reverse("applications:application_edit", args=[application.reference]),
        again,
    )
    application.refresh_from_db()
    assert (application.title, application.summary) == (
        "Titre de Mehdi",
        "Résumé de Léa",
    )
