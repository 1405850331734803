"""Who may do what with grants, keys and the charter: one row per role."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from datasets.access.models import ApiKey, CharterSignature
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import TeamMemberFactory
from tests.conftest import make_user
from tests.datasets.conftest import make_grant, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(holder, datasets, organiser):
    return make_grant(holder, datasets, organiser)


@pytest.fixture
def people(holder, grant, organiser):
    member = make_user("membre@example.org")
    TeamMemberFactory(application=grant.project.application, user=member)
    other_lead = make_user("autre@example.org")
    make_project(other_lead, "Autre projet")
    return {
        "anonymous": None,
        "resident": make_user("riverain@example.org"),
        "team member": member,
        "other team": other_lead,
        "organiser": organiser,
        "holder": holder,
    }


# Creating a key on the grant: its holder only; others get 404 (anonymous: login).
# Creating a key: the holder and every member of the Project's team (who are
# sent on to the page that shows the new key once); the others are refused.
KEY_CREATE = {
    "anonymous": 302,
    "resident": 404,
    "team member": 302,
    "other team": 404,
    "organiser": 404,
    "holder": 302,
}
KEY_CREATED_BY = {"team member", "holder"}


@pytest.mark.parametrize("role", list(KEY_CREATE))
def test_key_creation_per_role(client, grant, people, role):
    if people[role] is not None:
        client.force_login(people[role])

    response = client.post(
        f"/en/donnees/mes-acces/{grant.pk}/nouvelle-cle/", {"name": "prod"}
    )

    assert response.status_code == KEY_CREATE[role]
    created = ApiKey.objects.count()
    assert created == (1 if role in KEY_CREATED_BY else 0)
    if role in KEY_CREATED_BY:
        key = ApiKey.objects.get()
        assert response["Location"] == f"/en/donnees/mes-acces/cles/{key.pk}/nouvelle/"


# Signing the charter for the grant's Project: a member of its team.
CHARTER_SIGN = {
    "anonymous": 302,
    "resident": 404,
    "team member": 302,
    "other team": 404,
    "organiser": 404,
    "holder": 302,
}


@pytest.mark.parametrize("role", list(CHARTER_SIGN))
def test_charter_signature_per_role(client, grant, people, role):
    CharterSignature.objects.filter(project=grant.project).delete()
    if people[role] is not None:
        client.force_login(people[role])

    response = client.post(
        "/en/donnees/mes-acces/charte/",
        {"project": grant.project.pk, "signer_name": "Nom", "agree": "on"},
    )

    assert response.status_code == CHARTER_SIGN[role]
    signed = CharterSignature.objects.filter(project=grant.project).exists()
    assert signed == (role in ("team member", "holder"))


@pytest.mark.parametrize("role", list(KEY_CREATE))
def test_register_is_public_and_the_journal_for_organisers(
    client, grant, people, settings, role
):
    settings.PORTAL_REQUIRE_MFA = False
    if people[role] is not None:
        client.force_login(people[role])

    register = client.get("/en/donnees/registre/")
    api = client.get("/api/v1/register/")
    journal = client.get("/en/gestion/donnees/acces/journal/")

    assert (register.status_code, api.status_code) == (200, 200)
    if role == "organiser":
        assert journal.status_code == 200
    else:
        assert journal.status_code in (302, 403, 404)


def test_grant_end_reads_the_same_day_in_the_email_and_the_pages(
    client, holder, organiser, datasets, settings
):
    settings.PORTAL_REQUIRE_MFA = False
    # Ends at the Paris midnight after 30 November 2026 (23:00 UTC).
    from datasets.rollups import paris_midnight

    project = make_project(holder, "Baromètre")
    from datasets.access.services import grant_data_access

    grant = grant_data_access(
        project,
        holder=holder,
        datasets=datasets,
        expires_at=paris_midnight(timezone.localdate() + datetime.timedelta(days=40)),
        actor=organiser,
    )
    last_day = timezone.localdate() + datetime.timedelta(days=39)
    assert grant.ends_on == last_day
    email = OutgoingEmail.objects.get()
    with translation.override("en"):
        assert date_format(last_day, "j F Y") in email.body
        shown = date_format(last_day)

    client.force_login(holder)
    mine = client.get("/en/donnees/mes-acces/").content.decode()
    client.force_login(organiser)
    listed = client.get("/en/gestion/donnees/acces/").content.decode()
    detail = client.get(f"/en/gestion/donnees/acces/{grant.pk}/").content.decode()
    register = client.get("/en/donnees/registre/").content.decode()

    assert f"<dd>{shown}</dd>" in mine
    assert f'<td data-label="Last day">{shown}</td>' in listed
    assert f"<dd>{shown}</dd>" in detail
    assert f"to {shown} inclusive" in register
