"""Journey 3, an organiser: checks admissibility, runs the jury assignment,
ranks and decides, releases the decisions, and grants data access to the
retained Project. The back office must fit a 1,280 px screen and a phone."""

import pytest
from django.utils import timezone

from applications.enums import CallPhase
from applications.jury.models import Assignment, Score, ScoreSheet
from applications.models import Application, Project
from datasets.access.models import DataGrant
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import ApplicationFactory
from tests.applications.jury.factories_assignment import (
    ReviewCallFactory,
    make_jury,
)
from tests.applications.jury.factories_deliberation import make_grid
from tests.browser.test_project_team import log_in
from tests.conftest import make_user

CALL = "ami-2026"
LONG_URL = "https://example.org/" + "batignolles" * 40


@pytest.fixture
def wave(transactional_db, organiser):
    call = ReviewCallFactory(slug=CALL, reviewers_per_application=2)
    make_grid(call, criteria=(("impact", 3, 5), ("privacy", 2, 5)))
    jurors = make_jury(call, ["Anne", "Bruno", "Chloé"])
    lead = make_user("ines@livraisons.fr", full_name="Inès Moreau")
    delivery = ApplicationFactory(
        call=call,
        state="submitted",
        reference="AMI-2026-001",
        title="Places de livraison en temps réel",
        organisation_name="Livraisons Lab",
        created_by=lead,
        # An unbroken address must not widen the pages.
        proposed_service=f"Une carte des places libres : {LONG_URL}",
    )
    noise = ApplicationFactory(
        call=call,
        state="submitted",
        reference="AMI-2026-002",
        title="Baromètre du bruit nocturne",
        organisation_name="Acoustique Paris",
    )
    return {"call": call, "jurors": jurors, "delivery": delivery, "noise": noise}


def test_organiser_runs_a_wave_from_admissibility_to_data_access(
    portal, wave, organiser
):
    page = portal.page
    call = wave["call"]
    base = f"/gestion/appels/{CALL}/candidatures/"
    log_in(portal, organiser.email)

    # The list fits the screen (a list on a phone), in both languages.
    assert portal.check_both(base, "application list") == 200
    assert portal.overflow() == []
    page.goto(portal.url(base))
    assert portal.overflow() == []
    portal.screenshot("backoffice-applications")

    # Admissibility, one application after the other.
    for application in (wave["delivery"], wave["noise"]):
        page.goto(portal.url(base))
        page.locator(f"main a[href$='/{application.reference}/']").first.click()
        page.wait_for_load_state()
        assert portal.overflow() == []
        portal.check(f"application {application.reference}")
        page.locator("input[name=decision][value=admissible]").check()
        with page.expect_navigation():
            page.locator("form[action$='/admissibilite/'] button").click()
        application.refresh_from_db()
        assert application.state == "admissible"
    portal.check_both(f"{base}{wave['delivery'].reference}/", "application detail")

    # The assignment runs in the worker; the plan gives each two jurors.
    portal.check_both(f"/gestion/jury/{CALL}/affectation/", "assignment")
    page.goto(portal.url(f"/gestion/jury/{CALL}/affectation/"))
    with page.expect_navigation():
        page.locator("form[action$='/affectation/lancer/'] button").click()
    assert Assignment.objects.filter(membership__call=call).count() == 4
    assert portal.check_both(f"/gestion/jury/{CALL}/affectation/", "plan") == 200
    page.goto(portal.url(f"/gestion/jury/{CALL}/affectation/"))
    assert portal.overflow() == []

    # Review: the jurors' sheets (journey 2 scores from the browser).
    move_phase(page, portal, "review")
    grid = call.grids.get()
    for n, assignment in enumerate(Assignment.objects.order_by("pk")):
        submit_sheet(assignment, grid, [n % 6, 4])
    move_phase(page, portal, "deliberation")
    portal.check_both(f"/gestion/jury/{CALL}/classement/", "ranking")
    page.goto(portal.url(f"/gestion/jury/{CALL}/classement/"))
    assert portal.overflow() == []
    portal.screenshot("ranking")

    # A decision for each, then the release.
    for application, outcome in (
        (wave["delivery"], "retained"),
        (wave["noise"], "not_retained"),
    ):
        page.goto(
            portal.url(f"/gestion/jury/{CALL}/deliberation/{application.reference}/")
        )
        portal.check(f"decision {application.reference}")
        page.locator(f"input[name=outcome][value={outcome}]").check()
        page.locator("textarea[name=feedback]").fill("Merci pour votre candidature.")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
    portal.check_both(f"/gestion/jury/{CALL}/deliberation/", "deliberation")
    page.goto(portal.url(f"/gestion/jury/{CALL}/deliberation/"))
    page.locator("input[name=confirm]").check()
    with page.expect_navigation():
        page.locator("#release-title ~ form button[type=submit]").click()
    call.refresh_from_db()
    assert call.phase == CallPhase.RELEASED
    assert dict(Application.objects.values_list("reference", "state")) == {
        "AMI-2026-001": "retained",
        "AMI-2026-002": "not_retained",
    }
    assert sorted(
        OutgoingEmail.objects.filter(idempotency_key__contains="decision").values_list(
            "to", flat=True
        )
    ) == sorted([wave["noise"].created_by.email, "ines@livraisons.fr"])
    portal.check("released")
    for path, name in (
        (f"/gestion/jury/{CALL}/", "call after the release"),
        (f"/gestion/jury/{CALL}/deliberation/AMI-2026-001/", "decision released"),
    ):
        assert portal.check_both(path, name) == 200

    # Data access for the retained Project, held by its lead.
    project = Project.objects.get()
    portal.check_both("/gestion/donnees/acces/nouveau/", "grant form")
    page.goto(portal.url("/gestion/donnees/acces/nouveau/"))
    page.locator("#id_project").select_option(str(project.pk))
    page.locator("#id_holder_email").fill("ines@livraisons.fr")
    page.locator("input[name=datasets]").first.check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    grant = DataGrant.objects.get()
    assert (grant.project, grant.holder.email) == (project, "ines@livraisons.fr")
    assert page.url == portal.url(f"/gestion/donnees/acces/{grant.pk}/")
    assert portal.overflow() == []
    assert portal.check_both(f"/gestion/donnees/acces/{grant.pk}/", "grant") == 200
    portal.check_both("/gestion/donnees/acces/", "grant list")
    assert portal.overflow() == []
    assert portal.axe == {}


def move_phase(page, portal, phase):
    page.goto(portal.url(f"/gestion/jury/{CALL}/"))
    portal.check(f"phase before {phase}")
    with page.expect_navigation():
        page.locator(
            f"form[action$='/phase/']:has(input[value={phase}]) button"
        ).click()
    from applications.models import Call

    assert Call.objects.get(slug=CALL).phase == phase


def submit_sheet(assignment, grid, values):
    sheet = ScoreSheet.objects.create(
        assignment=assignment, grid=grid, submitted_at=timezone.now()
    )
    for criterion, value in zip(
        grid.criteria.order_by("position"), values, strict=True
    ):
        Score.objects.create(sheet=sheet, criterion=criterion, value=value)
