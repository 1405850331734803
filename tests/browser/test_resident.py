"""Journey 5, a resident: registers for a full workshop, lands on the waiting
list, and is promoted when the participant cancels (the email read from the
outbox); then journey 6, a checked-in attendee votes at the DemoDay, once."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal.outbox.models import OutgoingEmail
from tests.browser.test_juror import PASSWORD
from tests.browser.test_project_team import log_in
from tests.conftest import make_user
from tests.workshops.demoday_factories import check_in, make_demoday
from tests.workshops.factories import WorkshopFactory
from workshops.models import Registration, Vote
from workshops.services.demoday import draw_running_order, publish_running_order
from workshops.services.registration import register


@pytest.fixture
def full_workshop(transactional_db):
    workshop = WorkshopFactory(
        slug="decouvrir-les-donnees",
        title="Découvrir les données et leurs fiches DTPR",
        title_en="Discovering the data and its DTPR sheets",
        capacity=1,
    )
    mehdi = make_user("mehdi@example.org", full_name="Mehdi Haddad", password=PASSWORD)
    register(workshop, user=mehdi)
    make_user("lea@example.org", full_name="Léa Fontaine", password=PASSWORD)
    return workshop


def french(message, **values):
    """The French text of ``message``: the journeys check the served words
    without repeating their wording (its typography is another concern)."""
    with translation.override("fr"):
        return gettext(message) % values if values else gettext(message)


def state_of(email, workshop):
    return Registration.objects.get(user__email=email, workshop=workshop).state


def test_resident_waits_then_takes_the_freed_seat(portal, full_workshop):
    page = portal.page
    detail = "/agenda/decouvrir-les-donnees/"
    portal.check_both("/agenda/", "agenda")
    portal.screenshot("agenda")
    log_in(portal, "lea@example.org")

    # The workshop is full: the button offers the waiting list.
    page.goto(portal.url("/agenda/"))
    page.get_by_role("link", name="Découvrir les données et leurs fiches DTPR").click()
    page.wait_for_load_state()
    assert page.url == portal.url(detail)
    portal.check("workshop")
    button = page.locator("form[action$='/inscription/'] button")
    assert button.inner_text() == french("Join the waiting list")
    with page.expect_navigation():
        button.click()
    assert state_of("lea@example.org", full_workshop) == "waitlisted"
    registration = page.locator("#registration-title + p")
    assert registration.inner_text() == (
        french("On the waiting list")
        + " "
        + french("You are number %(position)s on the waiting list.", position=1)
    )
    assert portal.overflow() == []
    portal.check_both(detail, "workshop on the waiting list")
    portal.check_both("/agenda/mes-ateliers/", "my workshops")

    # Mehdi cancels in a browser of his own: Léa takes his seat.
    other = portal.context.browser.new_context(
        base_url=portal.live_server.url, viewport=page.viewport_size
    )
    mehdi = other.new_page()
    mehdi.goto(portal.url("/comptes/login/?next=" + detail))
    mehdi.locator("#id_login").fill("mehdi@example.org")
    mehdi.locator("#id_password").fill(PASSWORD)
    with mehdi.expect_navigation():
        mehdi.locator("main form button[type=submit]").click()
    with mehdi.expect_navigation():
        mehdi.locator("form[action$='/desinscription/'] button").click()
    other.close()
    assert state_of("mehdi@example.org", full_workshop) == "cancelled"
    assert state_of("lea@example.org", full_workshop) == "confirmed"

    promotion = OutgoingEmail.objects.get(
        idempotency_key__startswith="workshop-promoted:"
    )
    assert promotion.to == "lea@example.org"
    assert promotion.subject == french(
        "[OpenBatignolles] A seat is yours: %(title)s",
        title="Découvrir les données et leurs fiches DTPR",
    )
    assert promotion.body.startswith(french("Hello %(name)s,", name="Léa Fontaine"))
    link = re.search(r"https?://\S+(/agenda/decouvrir-les-donnees/)", promotion.body)
    assert link is not None

    page.goto(portal.url(link.group(1)))
    assert page.locator("#registration-title + p").inner_text() == (
        french("Confirmed") + " " + french("Your seat is booked.")
    )
    portal.check_both(detail, "workshop confirmed")
    assert portal.axe == {}


@pytest.fixture
def demoday(transactional_db, organiser):
    now = timezone.now()
    demoday, sessions, _projects = make_demoday(
        organiser,
        voting_opens_at=now - datetime.timedelta(hours=1),
        voting_closes_at=now + datetime.timedelta(hours=2),
    )
    draw_running_order(demoday, seed="batignolles-2026", actor=organiser)
    publish_running_order(demoday, actor=organiser)
    attendee = make_user(
        "nora@example.org", full_name="Nora Lefèvre", password=PASSWORD
    )
    check_in(sessions[0], attendee)
    return demoday


def test_checked_in_attendee_votes_once_at_the_demoday(portal, demoday):
    page = portal.page
    programme = "/agenda/demoday/demoday-2027/"
    log_in(portal, "nora@example.org")
    portal.check_both(programme, "demoday")
    portal.screenshot("demoday")

    assert portal.check_both(programme + "vote/", "vote") == 200
    page.goto(portal.url(programme))
    page.locator("main a[href$='/vote/']").click()
    page.wait_for_load_state()
    # A second tab holds the same form, to try a second vote later.
    second = portal.new_page()
    second.goto(page.url)
    page.get_by_label("PMR").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert list(Vote.objects.values_list("voter__email", "project__name")) == [
        ("nora@example.org", "PMR")
    ]
    assert page.locator("main form").count() == 0
    assert page.get_by_text(
        french(
            "Your vote is recorded. Thank you! The results will be published at "
            "the end of the DemoDay."
        )
    ).is_visible()
    assert portal.overflow() == []
    portal.check_both(programme + "vote/", "vote recorded")

    # The other tab's vote is refused with a sentence, and not counted.
    second.get_by_label("Livraisons").check()
    with second.expect_navigation():
        second.locator("main form button[type=submit]").click()
    assert second.locator(".alert-error").inner_text() == french(
        "You have already voted."
    )
    assert list(Vote.objects.values_list("project__name", flat=True)) == ["PMR"]
    portal.check("second vote refused", page=second)
    assert portal.axe == {}
