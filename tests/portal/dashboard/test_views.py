"""The dashboard pages: who sees them, what they show, what partners may not do."""

import pytest
from django.urls import URLPattern, URLResolver, reverse

from applications.jury.models import JuryMembership
from portal.accounts.models import PartnerRole
from portal.accounts.services import grant_partner_role
from portal.audit.models import AuditEvent
from portal.dashboard.models import AnnualReport
from tests.applications.factories import CallFactory
from tests.conftest import make_user

from .factories import grow, make_programme

DASHBOARD = "/gestion/tableau-de-bord/"
DASHBOARD_EN = "/en/gestion/tableau-de-bord/"
PARTNERS_EN = "/en/gestion/tableau-de-bord/partenaires/"


@pytest.fixture
def juror(db):
    person = make_user("anne@jury.example", full_name="Anne Moreau")
    JuryMembership.objects.create(call=CallFactory(), user=person)
    return person


def test_anonymous_visitors_are_asked_to_log_in(client, db):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"/comptes/login/?next={DASHBOARD}"


def test_a_resident_gets_404(client, user):
    client.force_login(user)

    assert client.get(DASHBOARD).status_code == 404


def test_a_juror_gets_403(client, juror):
    client.force_login(juror)

    assert client.get(DASHBOARD).status_code == 403


def test_organiser_sees_every_figure_with_its_table(organiser_client, organiser):
    make_programme(organiser)

    response = organiser_client.get(DASHBOARD_EN, {"year": "2025"})

    assert response.status_code == 200
    html = response.content.decode()
    for title in [
        "Applications by wave and applicant type",
        "Applications by theme",
        "Admissibility and decisions by wave",
        "Jury progress by wave",
        "Workshop participation and no-shows",
        "DemoDay registrations and votes",
        "API requests by Project and month",
        "API requests by dataset and month",
        "Sensor data completeness by dataset and month",
    ]:
        assert f">{title}</h2>" in html
    assert '<canvas data-chart="chart-jury-progress"' in html
    # The jury's table: 3 sheets submitted, 2 to do, for the 2025 wave.
    jury = response.context["figures"][3]
    assert jury.table == [("Call 2025", [3, 2])]
    assert '<th scope="col" class="num">Submitted (score sheets)</th>' in html
    assert "Build the report" in html
    assert "Partners who see this dashboard" in html


def test_dashboard_answers_in_french_by_default(organiser_client, organiser):
    make_programme(organiser)

    html = organiser_client.get(DASHBOARD).content.decode()

    assert "<h1>Tableau de bord du programme</h1>" in html
    assert ">Avancement du jury par vague</h2>" in html


def test_a_malformed_filter_gets_a_message_not_an_error(organiser_client):
    response = organiser_client.get(DASHBOARD_EN, {"wave": "nope", "year": "abc"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a wave from the list." in html
    assert "Choose a year from the list." in html


def test_partner_sees_the_figures_but_no_write(client, partner, organiser):
    make_programme(organiser)
    client.force_login(partner)

    response = client.get(DASHBOARD_EN, {"year": "2025"})

    assert response.status_code == 200
    html = response.content.decode()
    assert ">Jury progress by wave</h2>" in html
    assert "Build the report" not in html
    assert "Partners who see this dashboard" not in html
    refused = client.post(
        reverse("dashboard_bo:report_request"), {"report-year": "2025"}
    )
    assert refused.status_code == 403
    assert AnnualReport.objects.count() == 0
    assert client.get(reverse("dashboard_bo:partners")).status_code == 403


def _routes(patterns, prefix=""):
    """Every back-office route as a path with placeholder arguments."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield pattern, route


def _placeholder(route):
    import re

    values = {
        "int": "1",
        "slug": "ami-2025",
        "uuid": "00000000-0000-0000-0000-000000000000",
        "str": "x",
        "path": "x",
    }
    return re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: values.get(m.group(1) or "str", "x"), route
    )


def test_partner_opens_no_other_back_office_page(client, partner, organiser):
    from portal import backoffice_urls

    make_programme(organiser)
    client.force_login(partner)
    opened = []
    for _pattern, route in _routes(backoffice_urls.urlpatterns):
        path = "/gestion/" + _placeholder(route)
        if route.startswith("tableau-de-bord/"):
            continue
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if status not in (302, 403, 404, 405):
                opened.append((method, path, status))
            if status == 302 and route:
                opened.append((method, path, status))
    assert opened == []
    # The back office's home leads a partner to the dashboard.
    home = client.get("/gestion/")
    assert home.status_code == 302
    assert home["Location"] == DASHBOARD


@pytest.mark.parametrize("size", [1, 6])
def test_dashboard_queries_do_not_grow_with_the_data(
    organiser_client, organiser, size, django_assert_num_queries
):
    programme = make_programme(organiser)
    grow(programme, organiser, size)
    organiser_client.get(DASHBOARD)  # warm the session's user

    # 15 for the page and its figures, 1 for the session with its user.
    with django_assert_num_queries(16):
        response = organiser_client.get(DASHBOARD, {"year": "2025"})

    assert response.status_code == 200
    assert len(response.context["figures"][5].labels) == 1 + size


def test_organiser_gives_and_withdraws_a_partners_access(organiser_client, organiser):
    person = make_user("paul@cci.example", full_name="Paul Girard")

    response = organiser_client.post(
        PARTNERS_EN,
        {"email": "PAUL@cci.example", "organisation": "CCI Paris Île-de-France"},
    )

    assert response.status_code == 302
    role = PartnerRole.objects.get()
    assert (role.user, role.organisation, role.granted_by) == (
        person,
        "CCI Paris Île-de-France",
        organiser,
    )
    event = AuditEvent.objects.get(verb="partner.granted")
    assert (event.actor, event.target_id) == (organiser, str(person.pk))
    page = organiser_client.get(PARTNERS_EN)
    assert "CCI Paris Île-de-France" in page.content.decode()

    organiser_client.post(f"/gestion/tableau-de-bord/partenaires/{person.pk}/retirer/")

    assert PartnerRole.objects.count() == 0
    assert AuditEvent.objects.filter(verb="partner.revoked").count() == 1


def test_partner_access_needs_an_existing_account(organiser_client):
    response = organiser_client.post(
        PARTNERS_EN,
        {"email": "nobody@example.org", "organisation": "Cielis"},
    )

    assert response.status_code == 200
    assert (
        "No active account uses this address. Ask them to sign up first."
        in response.content.decode()
    )
    assert PartnerRole.objects.count() == 0


@pytest.mark.parametrize("count", [1, 6])
def test_partner_list_queries_do_not_grow_with_the_partners(
    organiser_client, organiser, count, django_assert_num_queries
):
    for index in range(count):
        grant_partner_role(
            make_user(f"partner{index}@example.org", full_name=f"Partenaire {index}"),
            organisation=f"Organisation {index}",
            actor=organiser,
        )
    organiser_client.get(PARTNERS_EN)

    # The session with its user, the partners with their accounts.
    with django_assert_num_queries(3):
        response = organiser_client.get(PARTNERS_EN)

    html = response.content.decode()
    button = '<button type="submit" class="btn btn-secondary">Withdraw the access of'
    assert html.count(button) == count
