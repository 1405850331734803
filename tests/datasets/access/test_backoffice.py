"""The organisers' pages of data access (/gestion/donnees/acces/), and the
emails telling a project's team that an access was granted or revoked."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from applications.enums import ApplicationState, ProjectState
from applications.jury.models import JuryMembership
from applications.models import Project
from datasets.access.models import ApiKeyUsage, DataGrant
from datasets.access.services import (
    issue_api_key,
    revoke_data_grant,
    rotate_api_key,
)
from datasets.rollups import paris_day, paris_midnight
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    RequestedDatasetFactory,
    TeamMemberFactory,
)
from tests.conftest import make_user
from tests.datasets.conftest import make_grant, make_project

pytestmark = pytest.mark.django_db

GRANT_LIST = reverse("access:grant_list")
GRANT_CREATE = reverse("access:grant_create")


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
        "detail": reverse("access:grant_detail", kwargs={"pk": grant.pk}),
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
        reverse("access:grant_revoke", kwargs={"pk": grant.pk}),
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

    response = english.get(reverse("access:grant_list"))

    page = response.content.decode()
    detail = reverse("access:grant_detail", kwargs={"pk": grant.pk})
    # The last day of access, as in the team's email (not the midnight after).
    with translation.override("en"):
        end = date_format(grant.ends_on)
    assert (
        '<th scope="row" data-label="Project">'
        f'<a href="{detail}">Baromètre du bruit</a></th>\n'
        '      <td data-label="Holder"><a href="mailto:ines@example.org">'
        "ines@example.org</a></td>\n"
        '      <td data-label="Datasets">Pedestrian flows, Sound levels</td>\n'
        f'      <td data-label="Last day">{end}</td>\n'
        '      <td data-label="State"><span class="badge badge-success">Active'
        "</span>\n</td>\n"
        '      <td data-label="Active keys">3</td>'
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
    url = reverse("access:grant_list")

    def projects(**params):
        return [g.project_name for g in english.get(url, params).context["page"]]

    assert projects(state="revoked") == ["Jumeau"]
    assert projects(state="expired") == ["Ancien"]
    assert projects(state="active") == ["Commerces", "Baromètre du bruit"]
    assert projects(q="INES@") == ["Ancien", "Baromètre du bruit"]
    assert projects(q="commer") == ["Commerces"]
    assert projects(state="active", q="ines") == [active.project_name]


def test_grant_list_pages_keep_the_filters(english, holder, organiser, datasets):
    for index in range(27):
        make_grant(holder, datasets, organiser, project=f"Projet {index}")

    page = english.get(
        reverse("access:grant_list"), {"state": "active", "q": "projet"}
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

    page = english.get(reverse("access:grant_list"))

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

    assert f'<h2><a href="{reverse("access:grant_list")}">Data access</a></h2>' in (
        page
    )


# --- granting ----------------------------------------------------------------


def test_grant_form_defaults_to_one_year(english):
    response = english.get(reverse("access:grant_create"))

    assert response.context["form"]["ends_on"].value() == paris_day(
        timezone.now()
    ) + datetime.timedelta(days=365)


def test_grant_form_groups_the_dataset_checkboxes_under_a_legend(english, datasets):
    html = english.get(reverse("access:grant_create")).content.decode()

    group = html.index("<legend>Datasets</legend>")
    assert html.rfind("<fieldset", 0, group) > html.rfind("</fieldset>", 0, group)
    assert html.index(f'value="{datasets[0].pk}"', group) < html.index(
        "</fieldset>", group
    )


def test_grant_form_offers_the_projects_in_the_programme_only(
    english, holder, organiser
):
    active = make_project(holder, "Baromètre du bruit")
    ended = make_project(holder, "Jumeau numérique")
    Project.objects.filter(pk=ended.pk).update(state=ProjectState.COMPLETED)

    form = english.get(reverse("access:grant_create")).context["form"]

    assert [choice for choice in form.fields["project"].queryset] == [active]
    html = english.get(reverse("access:grant_create")).content.decode()
    call = active.application.call.slug
    assert f'<option value="{active.pk}">Baromètre du bruit ({call})</option>' in html
    assert "Jumeau numérique" not in html


def test_grant_form_refuses_an_unknown_holder_and_keeps_what_was_typed(
    english, holder, datasets
):
    project = make_project(holder, "Baromètre du bruit")
    response = english.post(
        reverse("access:grant_create"),
        {
            "project": project.pk,
            "holder_email": "personne@example.org",
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
    assert f'<option value="{project.pk}" selected>' in page
    assert f'value="{datasets[1].pk}" id="id_datasets_1" checked' in page
    assert DataGrant.objects.count() == 0


def test_grant_form_refuses_a_holder_outside_the_team(english, holder, datasets):
    project = make_project(make_user("lead@example.org"), "Baromètre du bruit")

    response = english.post(
        reverse("access:grant_create"),
        {
            "project": project.pk,
            "holder_email": holder.email,
            "datasets": [datasets[0].pk],
            "ends_on": in_days(30),
        },
    )

    assert response.context["form"].errors == {
        "holder_email": ["ines@example.org is not a member of this project's team."]
    }
    assert DataGrant.objects.count() == 0


@pytest.mark.parametrize("project", ["", "999999", "abc", "99999999999999999999"])
def test_grant_form_refuses_a_missing_or_unknown_project(
    english, holder, datasets, project
):
    response = english.post(
        reverse("access:grant_create"),
        {
            "project": project,
            "holder_email": holder.email,
            "datasets": [datasets[0].pk],
            "ends_on": in_days(30),
        },
    )

    assert response.status_code == 200
    expected = (
        "Choose the project."
        if project == ""
        else "Choose a project that is in the programme."
    )
    assert response.context["form"].errors["project"] == [expected]
    assert DataGrant.objects.count() == 0


def test_grant_form_refuses_a_project_no_longer_in_the_programme(
    english, holder, datasets
):
    project = make_project(holder, "Baromètre du bruit")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.WITHDRAWN)

    response = english.post(
        reverse("access:grant_create"),
        {
            "project": project.pk,
            "holder_email": holder.email,
            "datasets": [datasets[0].pk],
            "ends_on": in_days(30),
        },
    )

    assert response.context["form"].errors["project"] == [
        "Choose a project that is in the programme."
    ]


def test_grant_form_refuses_a_closed_account(english, holder, datasets):
    project = make_project(holder, "P")
    holder.is_active = False
    holder.save()

    response = english.post(
        reverse("access:grant_create"),
        {
            "project": project.pk,
            "holder_email": holder.email,
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
    project = make_project(holder, "P")

    response = english.post(
        reverse("access:grant_create"),
        {
            "project": project.pk,
            "holder_email": holder.email,
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


def test_grant_created_through_the_form_and_the_team_emailed(
    english, settings, organiser, holder, datasets, django_capture_on_commit_callbacks
):
    project = make_project(holder, "Baromètre du bruit")
    for email, language in [("remi@example.org", "fr"), ("zoe@example.org", "en")]:
        member = make_user(email, language=language)
        TeamMemberFactory(application=project.application, user=member)
    ends_on = in_days(200)

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("access:grant_create"),
            {
                "project": project.pk,
                "holder_email": "INES@example.org",
                "datasets": [d.pk for d in datasets],
                "ends_on": ends_on,
            },
        )

    grant = DataGrant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "access:grant_detail", kwargs={"pk": grant.pk}
    )
    assert (grant.project, grant.holder, grant.granted_by) == (
        project,
        holder,
        organiser,
    )
    assert grant.legacy_project == ""
    assert sorted(grant.datasets.values_list("slug", flat=True)) == [
        "pedestrian-flows",
        "sound-levels",
    ]
    end_day = datetime.date.fromisoformat(ends_on)
    assert grant.expires_at == paris_midnight(end_day + datetime.timedelta(days=1))
    to_holder, to_french, to_english = sorted(mail.outbox, key=lambda e: e.to[0])
    assert to_holder.to == ["ines@example.org"]
    assert to_holder.subject == "Data access granted to “Baromètre du bruit”"
    assert (
        "- Pedestrian flows (pedestrian-flows)\n- Sound levels (sound-levels)\n"
        in to_holder.body
    )
    assert (
        f"The access runs until the end of {end_day:%-d %B %Y} (Paris time)."
        in to_holder.body
    )
    # The link in the holder's language.
    assert (
        "Create your API keys on your data access page (each key is shown once):\n"
        f"{settings.SITE_URL}/en/donnees/mes-acces/\n"
    ) in to_holder.body
    # The other members, each in their language, learn who holds the access.
    assert to_french.to == ["remi@example.org"]
    assert (
        to_french.subject
        == "Accès aux données accordé à «\u00a0Baromètre du bruit\u00a0»"
    )
    assert to_french.body.startswith("Bonjour,\n")
    assert "mes-acces" not in to_french.body
    assert to_english.to == ["zoe@example.org"]
    assert (
        "Inès Moreau holds this access for the team: they create the API keys "
        "on their data access page."
    ) in to_english.body
    assert "mes-acces" not in to_english.body
    assert sorted(
        OutgoingEmail.objects.values_list("to", "kind", "language", "state")
    ) == [
        ("ines@example.org", "data_grant", "en", "sent"),
        ("remi@example.org", "data_grant", "fr", "sent"),
        ("zoe@example.org", "data_grant", "en", "sent"),
    ]


def test_grant_emails_queued_once_per_person_and_sent_once(
    organiser, holder, datasets, django_capture_on_commit_callbacks
):
    from datasets.access.enums import GrantEmail
    from datasets.access.services import _queue_grant_emails

    with django_capture_on_commit_callbacks(execute=True):
        grant = make_grant(holder, datasets[:1], organiser, project="Baromètre")
    with django_capture_on_commit_callbacks(execute=True):
        _queue_grant_emails(grant, GrantEmail.CREATED)  # a replay

    assert [email.to for email in mail.outbox] == [["ines@example.org"]]
    assert list(OutgoingEmail.objects.values_list("idempotency_key", flat=True)) == [
        f"data-grant:{grant.pk}:created:{holder.pk}"
    ]


def test_grant_form_prefilled_from_a_project(english, datasets):
    lead = make_user("lead@example.org")
    project = make_project(
        lead, "Baromètre du bruit nocturne", call=CallFactory(datasets=datasets)
    )
    RequestedDatasetFactory(application=project.application, dataset=datasets[1])

    response = english.get(reverse("access:grant_create"), {"project": project.pk})

    form = response.context["form"]
    assert form["project"].value() == project.pk
    assert form["holder_email"].value() == "lead@example.org"
    assert form["datasets"].value() == [datasets[1].pk]


@pytest.mark.parametrize("value", ["ended", "999999", "x", "99999999999999999999"])
def test_grant_form_not_prefilled_from_a_project_not_in_the_programme(
    english, holder, value
):
    ended = make_project(holder, "Jumeau")
    Project.objects.filter(pk=ended.pk).update(state=ProjectState.COMPLETED)

    response = english.get(
        reverse("access:grant_create"),
        {"project": ended.pk if value == "ended" else value},
    )

    assert response.status_code == 200
    assert response.context["form"]["project"].value() is None
    assert "Only a project in the programme can be granted access." in (
        response.content.decode()
    )


def test_retained_application_page_links_to_the_grant_form(english, holder, datasets):
    project = make_project(holder, "Baromètre", call=CallFactory(datasets=datasets))
    retained = project.application
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

    create = reverse("access:grant_create")
    link = f'href="{create}?project={project.pk}">Grant data access</a>'
    assert link in page(retained)
    assert "Grant data access</a>" not in page(waiting)


# --- one grant -------------------------------------------------------------


def test_grant_page_shows_terms_keys_and_history(english, holder, organiser, datasets):
    grant = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    old = issue_api_key(grant, name="serveur", actor=holder)[0]
    new = rotate_api_key(old, actor=holder)[0]

    response = english.get(reverse("access:grant_detail", kwargs={"pk": grant.pk}))

    page = response.content.decode()
    assert "<h1>Baromètre du bruit</h1>" in page
    assert (
        "<dd>Pedestrian flows (<code>pedestrian-flows</code>), "
        "Sound levels (<code>sound-levels</code>)</dd>"
    ) in page
    assert f'<td data-label="Key"><code>obk_{old.prefix}_…</code></td>' in page
    assert page.count(f"<code>obk_{new.prefix}_…</code>") == 2
    assert [event.verb for event in response.context["events"]] == [
        "api_key.rotated",
        "api_key.issued",
        "data_grant.created",
    ]
    assert "data_grant.created" not in page
    with translation.override("en"):
        end = date_format(grant.ends_on)
    assert (
        "<td>Claire Martin granted Baromètre du bruit access to pedestrian-flows, "
        f"sound-levels until the end of {end}.</td>"
    ) in page


def test_grant_changed_through_its_page(
    english, holder, organiser, datasets, django_capture_on_commit_callbacks
):
    grant = make_grant(holder, datasets, organiser)
    key = issue_api_key(grant, name="a", actor=holder)[0]
    ends_on = in_days(10)

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("access:grant_change", kwargs={"pk": grant.pk}),
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
        reverse("access:grant_change", kwargs={"pk": grant.pk}),
        {"ends_on": in_days(10)},
    )

    assert response.status_code == 400
    assert response.context["change_form"].errors["datasets"] == [
        "Choose at least one dataset."
    ]


def test_grant_revoke_requires_a_reason_and_post(english, holder, organiser, datasets):
    grant = make_grant(holder, datasets, organiser)
    url = reverse("access:grant_revoke", kwargs={"pk": grant.pk})

    assert english.get(url).status_code == 405
    response = english.post(url, {"reason": "  "})

    assert response.status_code == 400
    assert response.context["revoke_form"].errors["reason"] == [
        "This field is required."
    ]
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_grant_revoked_with_a_reason_and_the_team_emailed(
    english, holder, organiser, datasets, django_capture_on_commit_callbacks
):
    grant = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    member = make_user("remi@example.org", language="fr")
    TeamMemberFactory(application=grant.project.application, user=member)
    key = issue_api_key(grant, name="a", actor=holder)[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("access:grant_revoke", kwargs={"pk": grant.pk}),
            {"reason": "Données republiées sans agrégation."},
        )

    assert response.status_code == 302
    grant.refresh_from_db()
    key.refresh_from_db()
    assert grant.revoke_reason == "Données republiées sans agrégation."
    assert key.revoked_at == grant.revoked_at
    to_holder, to_member = sorted(mail.outbox, key=lambda e: e.to[0])
    assert to_holder.to == ["ines@example.org"]
    assert to_holder.subject == "Data access of “Baromètre du bruit” revoked"
    assert "Reason: Données republiées sans agrégation.\n" in to_holder.body
    assert key.prefix not in to_holder.body
    assert to_member.to == ["remi@example.org"]
    assert (
        to_member.subject
        == "Accès aux données de «\u00a0Baromètre du bruit\u00a0» révoqué"
    )
    assert "Motif\u00a0: Données republiées sans agrégation.\n" in to_member.body
    page = english.get(
        reverse("access:grant_detail", kwargs={"pk": grant.pk})
    ).content.decode()
    assert "Données republiées sans agrégation." in page
    assert "Revoke the access</button>" not in page


def test_change_of_a_revoked_grant_is_refused_with_a_message(
    english, holder, organiser, datasets
):
    grant = make_grant(holder, datasets, organiser)
    revoke_data_grant(grant, reason="Fin", actor=organiser)
    url = reverse("access:grant_detail", kwargs={"pk": grant.pk})

    response = english.post(
        reverse("access:grant_change", kwargs={"pk": grant.pk}),
        {"datasets": [datasets[0].pk], "ends_on": in_days(10)},
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert "This access was revoked." in english.get(url).content.decode()
    assert AuditEvent.objects.filter(verb="data_grant.changed").count() == 0
