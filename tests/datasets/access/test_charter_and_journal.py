"""The charter page of a team and the organisers' audit trail, per role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from datasets.access.grants import suspend_data_grant
from datasets.access.models import CharterSignature
from datasets.access.services import change_data_grant, issue_api_key
from portal.audit.models import AuditEvent
from tests.applications.factories import DataCharterFactory, TeamMemberFactory
from tests.conftest import make_user
from tests.datasets.conftest import make_grant, make_project

pytestmark = pytest.mark.django_db

CHARTER = "/en/donnees/mes-acces/charte/"
JOURNAL = "/en/gestion/donnees/acces/journal/"


@pytest.fixture
def project(holder):
    return make_project(holder, "Trottoirs vivants", signed=False)


@pytest.fixture
def member(project):
    person = make_user("membre@example.org", full_name="Sami Benali")
    TeamMemberFactory(application=project.application, user=person)
    return person


def test_charter_page_paths():
    with translation.override("en"):
        assert reverse("access:charter_sign") == CHARTER
        assert reverse("access:journal") == JOURNAL


def test_charter_page_requires_login(client, db):
    response = client.get(CHARTER)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/comptes/login/")


def test_team_member_signs_the_charter(client, project, member):
    client.force_login(member)

    page = client.get(CHARTER).content.decode()
    assert "<li><strong>Trottoirs vivants</strong> — not signed yet</li>" in page

    response = client.post(
        CHARTER,
        {"project": project.pk, "signer_name": "Sami Benali", "agree": "on"},
    )

    assert response.status_code == 302
    signature = CharterSignature.objects.get()
    assert (signature.project, signature.signer, signature.signer_name) == (
        project,
        member,
        "Sami Benali",
    )


def test_charter_needs_the_box_ticked(client, project, member):
    client.force_login(member)

    response = client.post(CHARTER, {"project": project.pk, "signer_name": "Sami"})

    assert response.status_code == 400
    assert "Tick the box to sign." in response.content.decode()
    assert CharterSignature.objects.count() == 0


def test_resident_and_other_team_cannot_sign_for_a_project(client, project):
    resident = make_user("riverain@example.org")
    other_lead = make_user("autre@example.org")
    make_project(other_lead, "Autre projet", signed=False)

    for person in (resident, other_lead):
        client.force_login(person)
        response = client.post(
            CHARTER, {"project": project.pk, "signer_name": "X", "agree": "on"}
        )
        assert response.status_code == 404
    assert CharterSignature.objects.count() == 0


def test_organiser_reads_sentences_and_filters_the_journal(
    organiser_client, holder, datasets, organiser
):
    grant = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    other = make_grant(holder, datasets[:1], organiser, project="Jumeau")
    key, _token = issue_api_key(grant, name="prod", actor=holder)
    change_data_grant(
        grant, datasets=datasets[:1], expires_at=grant.expires_at, actor=organiser
    )
    suspend_data_grant(other, reason="Contrôle", actor=organiser)

    page = organiser_client.get(JOURNAL).content.decode()
    # Codes only as the filter's option values, never read as text.
    assert page.count("data_grant.") == 5
    assert page.count("api_key.") == 4
    assert (
        "<td>Claire Martin changed the access of Baromètre du bruit: narrowed to "
        "pedestrian-flows.</td>"
    ) in page
    assert (
        "<td>Claire Martin suspended the access of Jumeau. Reason: Contrôle</td>"
    ) in page

    by_project = organiser_client.get(JOURNAL, {"project": other.project.pk})
    assert [e.verb for e in by_project.context["page"].object_list] == [
        "data_grant.suspended",
        "data_grant.created",
        "charter.signed",
    ]
    by_key = organiser_client.get(JOURNAL, {"key": f"obk_{key.prefix}_"})
    assert [e.sentence for e in by_key.context["page"].object_list] == [
        f"Inès Moreau created the key “prod” ({key.prefix}) of Baromètre du bruit."
    ]
    by_kind = organiser_client.get(JOURNAL, {"kind": "data_grant.changed"})
    assert [e.target_id for e in by_kind.context["page"].object_list] == [str(grant.pk)]
    hostile = organiser_client.get(
        JOURNAL, {"since": "0001-01-01", "until": "9999-12-31", "project": "x" * 50}
    )
    assert hostile.status_code == 200


def test_journal_sentences_follow_the_readers_language(
    organiser_client, holder, datasets, organiser
):
    make_grant(holder, datasets, organiser, project="Baromètre du bruit")

    english = organiser_client.get(JOURNAL)

    [first] = [
        e for e in english.context["page"].object_list if e.verb == "data_grant.created"
    ]
    assert first.sentence.startswith(
        "Claire Martin granted Baromètre du bruit access to pedestrian-flows, "
        "sound-levels until the end of "
    )


@pytest.mark.parametrize("size", [1, 5])
def test_journal_queries_do_not_grow_with_events(
    organiser_client, holder, datasets, organiser, django_assert_num_queries, size
):
    for index in range(size):
        grant = make_grant(holder, datasets, organiser, project=f"Projet {index}")
        issue_api_key(grant, name="a", actor=holder)
    organiser_client.get(JOURNAL)  # content types cached, as in production

    # the session with its user, organiser role, MFA check, projects of the
    # filter, count, the page of events with actors, their grants and keys
    with django_assert_num_queries(8):
        response = organiser_client.get(JOURNAL)

    assert response.context["page"].paginator.count == 3 * size


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("resident", 302), ("holder", 302)],
)
def test_journal_and_grant_actions_refused_outside_the_organisers(
    client, holder, datasets, organiser, settings, who, status
):
    settings.PORTAL_REQUIRE_MFA = False
    grant = make_grant(holder, datasets, organiser)
    if who == "resident":
        client.force_login(make_user("riverain@example.org"))
    elif who == "holder":
        client.force_login(holder)

    urls = [
        JOURNAL,
        f"/en/gestion/donnees/acces/{grant.pk}/suspendre/",
        f"/en/gestion/donnees/acces/{grant.pk}/reprendre/",
    ]
    responses = [client.get(urls[0])] + [
        client.post(url, {"reason": "x"}) for url in urls[1:]
    ]

    assert [r.status_code for r in responses] != [200, 302, 302] or who == "x"
    for response in responses:
        assert response.status_code in (302, 403, 404)
    grant.refresh_from_db()
    assert grant.suspended_at is None
    assert not AuditEvent.objects.filter(verb="data_grant.suspended").exists()


def test_organiser_suspends_and_lifts_through_the_page(
    organiser_client, holder, datasets, organiser
):
    grant = make_grant(holder, datasets, organiser)
    base = f"/en/gestion/donnees/acces/{grant.pk}/"

    suspended = organiser_client.post(base + "suspendre/", {"reason": "Contrôle"})
    grant.refresh_from_db()
    assert suspended.status_code == 302
    assert grant.suspend_reason == "Contrôle"
    page = organiser_client.get(base).content.decode()
    assert '<span class="badge badge-warning">Suspended</span>' in page

    again = organiser_client.post(base + "suspendre/", {"reason": ""}, follow=True)
    assert "This access cannot be suspended now." in again.content.decode()

    lifted = organiser_client.post(base + "reprendre/")
    grant.refresh_from_db()
    assert lifted.status_code == 302
    assert grant.suspended_at is None

    empty = organiser_client.post(base + "suspendre/", {"reason": " "})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()


def test_grant_form_posts_limits_and_purpose(organiser_client, holder, datasets):
    from datasets.access.models import DataGrant

    project = make_project(holder)
    ends_on = __import__("datetime").date.today().replace(year=2027)

    response = organiser_client.post(
        "/en/gestion/donnees/acces/nouveau/",
        {
            "project": project.pk,
            "holder_email": "ines@example.org",
            "datasets": [datasets[0].pk],
            "ends_on": ends_on.isoformat(),
            "requests_per_minute": "30",
            "requests_per_day": "2000",
            "purpose": "Compter les passages.",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    grant = DataGrant.objects.get()
    assert (grant.requests_per_minute, grant.requests_per_day, grant.purpose) == (
        30,
        2000,
        "Compter les passages.",
    )
    assert grant.ends_on == ends_on


def test_grant_form_9999_end_is_a_clear_error_not_a_500(
    organiser_client, holder, datasets
):
    project = make_project(holder)

    response = organiser_client.post(
        "/en/gestion/donnees/acces/nouveau/",
        {
            "project": project.pk,
            "holder_email": "ines@example.org",
            "datasets": [datasets[0].pk],
            "ends_on": "9999-12-31",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [
        "The experiment ends on 30 June 2030: choose that day or an earlier one."
    ]


def test_charter_text_headings_stay_under_the_page_title(client, project, member):
    DataCharterFactory(
        version="2.0",
        published_on=datetime.date(2026, 1, 1),
        text_en="# Data charter\n\n## Commitments\n\nNo re-identification.",
    )
    client.force_login(member)

    page = client.get(CHARTER).content.decode()

    assert page.count("<h1") == 1
    assert "<h3>Data charter</h3>" in page
    assert "<h4>Commitments</h4>" in page
