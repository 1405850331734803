"""The organisers' pages of data access (/gestion/donnees/acces/), and the
emails telling holders that an access was granted or revoked."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from applications.enums import ApplicationState
from applications.jury.models import JuryMembership
from datasets.models import ApiKeyUsage, DataGrant
from datasets.rollups import paris_day, paris_midnight
from datasets.services import (
    issue_api_key,
    revoke_data_grant,
    rotate_api_key,
)
from portal.audit.models import AuditEvent
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    RequestedDatasetFactory,
)
from tests.conftest import make_user
from tests.datasets.conftest import make_grant

pytestmark = pytest.mark.django_db

GRANT_LIST = reverse("datasets_bo:grant_list")
GRANT_CREATE = reverse("datasets_bo:grant_create")


@pytest.fixture
def english(organiser_client):
    """The organiser's client, with English pages (paths reversed inside the
    test start with /en/)."""
    with translation.override("en"):
        yield organiser_client


def in_days(days):
    return (paris_day(timezone.now()) + datetime.timedelta(days=days)).isoformat()


# --- who may enter ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("holder", 404), ("jury", 403), ("organiser", 200)],
)
@pytest.mark.parametrize("page", ["list", "create", "detail"])
def test_backoffice_access_pages_permissions(
    client, settings, holder, organiser, datasets, who, expected, page
):
    settings.PORTAL_REQUIRE_MFA = False
    grant = make_grant(holder, datasets, organiser)
    juror = make_user("jules@example.org")
    JuryMembership.objects.create(call=CallFactory(), user=juror)
    people = {"holder": holder, "jury": juror, "organiser": organiser}
    if who in people:
        client.force_login(people[who])
    url = {
        "list": GRANT_LIST,
        "create": GRANT_CREATE,
        "detail": reverse("datasets_bo:grant_detail", kwargs={"pk": grant.pk}),
    }[page]

    response = client.get(url)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("who", ["holder", "anonymous"])
def test_revoke_by_someone_else_changes_nothing(
    client, settings, holder, organiser, datasets, who
):
    settings.PORTAL_REQUIRE_MFA = False
    grant = make_grant(holder, datasets, organiser)
    if who == "holder":
        client.force_login(holder)

    response = client.post(
        reverse("datasets_bo:grant_revoke", kwargs={"pk": grant.pk}),
        {"reason": "Non"},
    )

    assert response.status_code == (404 if who == "holder" else 302)
    grant.refresh_from_db()
    assert grant.revoked_at is None


# --- the list ----------------------------------------------------------------


def test_grant_list_shows_terms_state_and_active_keys(
    english, holder, organiser, datasets
):
    grant = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    issue_api_key(grant, name="a", actor=holder)
    old = issue_api_key(grant, name="b", actor=holder)[0]
    rotate_api_key(old, actor=holder)  # still active 24 h: 3 active keys
    revoked = make_grant(holder, datasets[:1], organiser, project="Jumeau")
    revoke_data_grant(revoked, reason="Fin", actor=organiser)

    response = english.get(reverse("datasets_bo:grant_list"))

    page = response.content.decode()
    detail = reverse("datasets_bo:grant_detail", kwargs={"pk": grant.pk})
    end = timezone.localtime(grant.expires_at)
    assert (
        f'<th scope="row"><a href="{detail}">Baromètre du bruit</a></th>\n'
        '      <td><a href="mailto:ines@example.org">ines@example.org</a></td>\n'
        "      <td>Pedestrian flows, Sound levels</td>\n"
        f"      <td>{end:%-d %b %Y}</td>\n"
        '      <td><span class="badge badge-success">Active</span>\n</td>\n'
        "      <td>3</td>"
    ) in page
    assert '<span class="badge badge-danger">Revoked</span>' in page
    assert [row.active_keys for row in response.context["page"]] == [0, 3]


def test_grant_list_filters_by_state_and_searches(holder, organiser, datasets, english):
    other = make_user("zoe@example.org")
    active = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    make_grant(other, datasets, organiser, project="Commerces")
    revoked = make_grant(other, datasets, organiser, project="Jumeau")
    revoke_data_grant(revoked, reason="Fin", actor=organiser)
    expired = make_grant(holder, datasets, organiser, project="Ancien")
    DataGrant.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    url = reverse("datasets_bo:grant_list")

    def projects(**params):
        return [g.project for g in english.get(url, params).context["page"]]

    assert projects(state="revoked") == ["Jumeau"]
    assert projects(state="expired") == ["Ancien"]
    assert projects(state="active") == ["Commerces", "Baromètre du bruit"]
    assert projects(q="INES@") == ["Ancien", "Baromètre du bruit"]
    assert projects(q="commer") == ["Commerces"]
    assert projects(state="active", q="ines") == [active.project]


def test_grant_list_pages_keep_the_filters(english, holder, organiser, datasets):
    for index in range(27):
        make_grant(holder, datasets, organiser, project=f"Projet {index}")

    page = english.get(
        reverse("datasets_bo:grant_list"), {"state": "active", "q": "projet"}
    ).content.decode()

    assert 'href="?state=active&amp;q=projet&amp;page=2"' in page
    assert "Page 1 of 2" in page


@pytest.mark.parametrize("size", [1, 5])
def test_grant_list_query_count_does_not_grow_with_rows(
    organiser_client, holder, organiser, datasets, django_assert_num_queries, size
):
    for index in range(size):
        grant = make_grant(holder, datasets, organiser, project=f"Projet {index}")
        key, _token = issue_api_key(grant, name="a", actor=holder)
        ApiKeyUsage.objects.create(key=key, day=paris_day(timezone.now()), requests=3)

    # user, organiser role, count, page of grants with key counts, datasets,
    # the keys' usage per project
    with django_assert_num_queries(6):
        response = organiser_client.get(GRANT_LIST)

    assert len(response.context["page"]) == size


def test_grant_list_charts_the_busiest_projects_and_sums_the_rest(
    english, holder, organiser, datasets
):
    today = paris_day(timezone.now())
    for index, requests in enumerate([50, 40, 30, 20, 10, 5, 2, 1]):
        grant = make_grant(holder, datasets, organiser, project=f"Projet {index}")
        key, _token = issue_api_key(grant, name="a", actor=holder)
        ApiKeyUsage.objects.create(key=key, day=today, requests=requests)
        ApiKeyUsage.objects.create(
            key=key, day=today - datetime.timedelta(days=1), requests=1
        )

    page = english.get(reverse("datasets_bo:grant_list"))

    usage = page.context["usage"]
    series = usage["chart"]["data"]["datasets"]
    assert [s["label"] for s in series] == [
        "Projet 0",
        "Projet 1",
        "Projet 2",
        "Projet 3",
        "Projet 4",
        "Projet 5",
        "Other projects",
    ]
    assert series[-1]["data"][-2:] == [2, 3]  # Projets 6 and 7: 1 + 1, 2 + 1
    assert usage["total"] == 158 + 8
    html = page.content.decode()
    assert "166 requests in the last 30 days." in html
    assert '<canvas data-chart="all-keys-usage"' in html


def test_backoffice_home_links_to_the_grants(english):
    page = english.get(reverse("backoffice_home")).content.decode()

    assert (
        f'<h2><a href="{reverse("datasets_bo:grant_list")}">Data access</a></h2>'
        in (page)
    )


# --- granting ----------------------------------------------------------------


def test_grant_form_defaults_to_one_year(english):
    response = english.get(reverse("datasets_bo:grant_create"))

    assert response.context["form"]["ends_on"].value() == paris_day(
        timezone.now()
    ) + datetime.timedelta(days=365)


def test_grant_form_groups_the_dataset_checkboxes_under_a_legend(english, datasets):
    html = english.get(reverse("datasets_bo:grant_create")).content.decode()

    group = html.index("<legend>Datasets</legend>")
    assert html.rfind("<fieldset", 0, group) > html.rfind("</fieldset>", 0, group)
    assert html.index(f'value="{datasets[0].pk}"', group) < html.index(
        "</fieldset>", group
    )


def test_grant_form_refuses_an_unknown_holder_and_keeps_what_was_typed(
    english, datasets
):
    response = english.post(
        reverse("datasets_bo:grant_create"),
        {
            "holder_email": "personne@example.org",
            "project": "Baromètre du bruit",
            "datasets": [datasets[1].pk],
            "ends_on": in_days(30),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "<li>No active account uses personne@example.org: the holder must create "
        "an account first.</li>"
    ) in page
    assert 'value="personne@example.org"' in page
    assert 'value="Baromètre du bruit"' in page
    assert f'value="{datasets[1].pk}" id="id_datasets_1" checked' in page
    assert DataGrant.objects.count() == 0


def test_grant_form_refuses_a_closed_account(english, holder, datasets):
    holder.is_active = False
    holder.save()

    response = english.post(
        reverse("datasets_bo:grant_create"),
        {
            "holder_email": holder.email,
            "project": "P",
            "datasets": [datasets[0].pk],
            "ends_on": in_days(30),
        },
    )

    assert response.context["form"].errors["holder_email"] == [
        "No active account uses ines@example.org: the holder must create an "
        "account first."
    ]


def test_grant_form_refuses_an_end_beyond_the_longest_access(
    english, settings, holder, datasets
):
    settings.API_GRANT_MAX_DAYS = 30

    response = english.post(
        reverse("datasets_bo:grant_create"),
        {
            "holder_email": holder.email,
            "project": "P",
            "datasets": [datasets[0].pk],
            "ends_on": in_days(31),
        },
    )

    latest = paris_day(timezone.now() + datetime.timedelta(days=30))
    latest -= datetime.timedelta(days=1)
    assert response.context["form"].errors["ends_on"] == [
        f"An access runs for 30 days at most: choose {date_format(latest)} or earlier."
    ]
    assert DataGrant.objects.count() == 0


def test_grant_created_through_the_form_and_holder_emailed(
    english, settings, organiser, holder, datasets, django_capture_on_commit_callbacks
):
    ends_on = in_days(200)

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("datasets_bo:grant_create"),
            {
                "holder_email": "INES@example.org",
                "project": "Baromètre du bruit",
                "datasets": [d.pk for d in datasets],
                "ends_on": ends_on,
            },
        )

    grant = DataGrant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "datasets_bo:grant_detail", kwargs={"pk": grant.pk}
    )
    assert (grant.holder, grant.project, grant.granted_by) == (
        holder,
        "Baromètre du bruit",
        organiser,
    )
    assert sorted(grant.datasets.values_list("slug", flat=True)) == [
        "pedestrian-flows",
        "sound-levels",
    ]
    end_day = datetime.date.fromisoformat(ends_on)
    assert grant.expires_at == paris_midnight(end_day + datetime.timedelta(days=1))
    [email] = mail.outbox
    assert email.to == ["ines@example.org"]
    assert email.subject == "Data access granted to “Baromètre du bruit”"
    assert "- Pedestrian flows (pedestrian-flows)\n- Sound levels (sound-levels)\n" in (
        email.body
    )
    assert f"The access runs until the end of {end_day:%-d %B %Y} (Paris time)." in (
        email.body
    )
    # The link in the holder's language.
    assert f"\n{settings.SITE_URL}/en/donnees/mes-acces/\n" in email.body


def test_grant_email_in_the_holders_language_and_only_once(
    organiser, datasets, django_capture_on_commit_callbacks
):
    from datasets.services import notify_grant_holder

    french = make_user("remi@example.org", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        grant = make_grant(french, datasets[:1], organiser, project="Baromètre")

    assert notify_grant_holder(grant.pk, event="created") is False  # sent already
    [email] = mail.outbox
    assert email.to == ["remi@example.org"]
    assert email.body.startswith("Bonjour,\n")  # msgid already translated
    assert AuditEvent.objects.filter(verb="data_grant.holder_notified").count() == 1


def test_grant_form_prefilled_from_a_retained_application(english, datasets):
    lead = make_user("lead@example.org")
    call = CallFactory(datasets=datasets)
    application = ApplicationFactory(
        call=call,
        state=ApplicationState.RETAINED,
        title="Baromètre du bruit nocturne",
        created_by=lead,
    )
    RequestedDatasetFactory(application=application, dataset=datasets[1])

    response = english.get(
        reverse("datasets_bo:grant_create"), {"application": application.pk}
    )

    form = response.context["form"]
    assert form["holder_email"].value() == "lead@example.org"
    assert form["project"].value() == "Baromètre du bruit nocturne"
    assert form["datasets"].value() == [datasets[1].pk]


def test_grant_form_not_prefilled_from_an_application_not_retained(english):
    application = ApplicationFactory(state=ApplicationState.WAITING_LIST)

    response = english.get(
        reverse("datasets_bo:grant_create"), {"application": application.pk}
    )

    assert response.context["form"]["project"].value() is None
    assert "Only a retained application can prefill the form." in (
        response.content.decode()
    )


def test_retained_application_page_links_to_the_grant_form(english, datasets):
    retained = ApplicationFactory(
        call=CallFactory(datasets=datasets), state=ApplicationState.RETAINED
    )
    waiting = ApplicationFactory(
        call=retained.call, state=ApplicationState.WAITING_LIST
    )

    def page(application):
        return english.get(
            reverse(
                "applications_bo:application_detail",
                kwargs={
                    "slug": application.call.slug,
                    "reference": application.reference,
                },
            )
        ).content.decode()

    link = (
        f'href="{reverse("datasets_bo:grant_create")}?application={retained.pk}">'
        "Grant data access</a>"
    )
    assert link in page(retained)
    assert "Grant data access</a>" not in page(waiting)


# --- one grant -------------------------------------------------------------


def test_grant_page_shows_terms_keys_and_history(english, holder, organiser, datasets):
    grant = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    old = issue_api_key(grant, name="serveur", actor=holder)[0]
    new = rotate_api_key(old, actor=holder)[0]

    response = english.get(reverse("datasets_bo:grant_detail", kwargs={"pk": grant.pk}))

    page = response.content.decode()
    assert "<h1>Baromètre du bruit</h1>" in page
    assert (
        "<dd>Pedestrian flows (<code>pedestrian-flows</code>), "
        "Sound levels (<code>sound-levels</code>)</dd>"
    ) in page
    assert f"<td><code>obk_{old.prefix}_…</code></td>" in page
    assert page.count(f"<code>obk_{new.prefix}_…</code>") == 2
    assert [event.verb for event in response.context["events"]] == [
        "api_key.rotated",
        "api_key.issued",
        "data_grant.created",
    ]
    assert "<td><code>data_grant.created</code></td>" in page


def test_grant_changed_through_its_page(
    english, holder, organiser, datasets, django_capture_on_commit_callbacks
):
    grant = make_grant(holder, datasets, organiser)
    key = issue_api_key(grant, name="a", actor=holder)[0]
    ends_on = in_days(10)

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("datasets_bo:grant_change", kwargs={"pk": grant.pk}),
            {"datasets": [datasets[1].pk], "ends_on": ends_on},
        )

    assert response.status_code == 302
    grant.refresh_from_db()
    key.refresh_from_db()
    end = paris_midnight(datetime.date.fromisoformat(ends_on) + datetime.timedelta(1))
    assert list(grant.datasets.values_list("slug", flat=True)) == ["sound-levels"]
    assert grant.expires_at == end
    assert key.expires_at == end
    assert AuditEvent.objects.filter(verb="data_grant.changed").count() == 1


def test_grant_change_without_datasets_is_refused(english, holder, organiser, datasets):
    grant = make_grant(holder, datasets, organiser)

    response = english.post(
        reverse("datasets_bo:grant_change", kwargs={"pk": grant.pk}),
        {"ends_on": in_days(10)},
    )

    assert response.status_code == 400
    assert response.context["change_form"].errors["datasets"] == [
        "Choose at least one dataset."
    ]


def test_grant_revoke_requires_a_reason_and_post(english, holder, organiser, datasets):
    grant = make_grant(holder, datasets, organiser)
    url = reverse("datasets_bo:grant_revoke", kwargs={"pk": grant.pk})

    assert english.get(url).status_code == 405
    response = english.post(url, {"reason": "  "})

    assert response.status_code == 400
    assert response.context["revoke_form"].errors["reason"] == [
        "This field is required."
    ]
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_grant_revoked_with_a_reason_and_holder_emailed(
    english, holder, organiser, datasets, django_capture_on_commit_callbacks
):
    grant = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    key = issue_api_key(grant, name="a", actor=holder)[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("datasets_bo:grant_revoke", kwargs={"pk": grant.pk}),
            {"reason": "Données republiées sans agrégation."},
        )

    assert response.status_code == 302
    grant.refresh_from_db()
    key.refresh_from_db()
    assert grant.revoke_reason == "Données republiées sans agrégation."
    assert key.revoked_at == grant.revoked_at
    [email] = mail.outbox
    assert email.to == ["ines@example.org"]
    assert email.subject == "Data access of “Baromètre du bruit” revoked"
    assert "Reason: Données republiées sans agrégation.\n" in email.body
    page = english.get(
        reverse("datasets_bo:grant_detail", kwargs={"pk": grant.pk})
    ).content.decode()
    assert "Données republiées sans agrégation." in page
    assert "Revoke the access</button>" not in page


def test_change_of_a_revoked_grant_is_refused_with_a_message(
    english, holder, organiser, datasets
):
    grant = make_grant(holder, datasets, organiser)
    revoke_data_grant(grant, reason="Fin", actor=organiser)
    url = reverse("datasets_bo:grant_detail", kwargs={"pk": grant.pk})

    response = english.post(
        reverse("datasets_bo:grant_change", kwargs={"pk": grant.pk}),
        {"datasets": [datasets[0].pk], "ends_on": in_days(10)},
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert "This access was revoked." in english.get(url).content.decode()
    assert AuditEvent.objects.filter(verb="data_grant.changed").count() == 0
