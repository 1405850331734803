"""Journey 2, a jury member: logs in with a password and a TOTP code,
declares a conflict, scores an application from the keyboard with "submit and
next", and never sees the conflicted one."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from applications.jury.models import Conflict, ScoreSheet
from tests.applications.jury.factories_scoring import (
    assign,
    declared_juror,
    deposited_application,
    review_call,
)

PASSWORD = "correct-horse-battery"


def totp_code(secret):
    """The current code, taken early in its 30-second window so that it is
    still valid when the server checks it."""
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def tab_to(page, selector, limit=300):
    """Press Tab until ``selector`` has the focus; return whether the focus
    is visible (an outline or a ring drawn by :focus-visible)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return page.evaluate(
                """() => {
                    const s = getComputedStyle(document.activeElement);
                    return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px')
                        || s.boxShadow !== 'none';
                }"""
            )
    raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture
def jury(transactional_db):
    call = review_call(slug="ami-jury", blind_review=False)
    juror = declared_juror(call, email="jeanne@jury-batignolles.fr")
    juror.declared_at = None
    juror.save(update_fields=["declared_at"])
    first = deposited_application(
        call, title="Places de livraison", organisation_name="Livraison Lab"
    )
    conflicted = deposited_application(
        call, title="Bruit la nuit", organisation_name="Acoustique Paris"
    )
    second = deposited_application(
        call, title="Lumière douce", organisation_name="Lab Lumière"
    )
    assign(juror, first)
    assign(juror, second)
    secret = generate_totp_secret()
    TOTP.activate(juror.user, secret)
    return {
        "call": call,
        "juror": juror,
        "secret": secret,
        "first": first,
        "conflicted": conflicted,
        "second": second,
    }


def test_juror_declares_a_conflict_and_scores_from_the_keyboard(portal, jury, settings):
    settings.PORTAL_REQUIRE_MFA = True
    page = portal.page
    axe = {}

    page.goto(portal.url("/jury/"))
    page.locator("#id_login").fill("jeanne@jury-batignolles.fr")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.locator("#id_code").fill(totp_code(jury["secret"]))
    axe["second factor"] = portal.axe_violations()
    with page.expect_navigation():
        page.locator("#id_code").press("Enter")

    page.goto(portal.url("/jury/ami-jury/declaration/"))
    page.get_by_label(re.compile("Acoustique Paris")).check()
    axe["declaration"] = portal.axe_violations()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    page.wait_for_load_state()
    assert list(
        Conflict.objects.filter(membership=jury["juror"]).values_list(
            "application__title", flat=True
        )
    ) == ["Bruit la nuit"]

    # The queue lists the two assigned applications, never the conflicted one.
    page.goto(portal.url("/jury/ami-jury/"))
    queue = page.locator("main").inner_text()
    assert "Places de livraison" in queue
    assert "Lumière douce" in queue
    assert "Bruit la nuit" not in queue
    axe["queue"] = portal.axe_violations()
    response = page.goto(portal.url(f"/jury/ami-jury/{jury['conflicted'].reference}/"))
    assert response.status == 404

    # Score the first application without the mouse.
    page.goto(portal.url(f"/jury/ami-jury/{jury['first'].reference}/"))
    axe["sheet"] = portal.axe_violations()
    portal.screenshot("scoring")
    for key, value in (("usefulness", "4"), ("innovation", "3"), ("data-use", "7")):
        assert tab_to(page, f"input[name='c-{key}']")
        page.keyboard.press("Space")
        while page.evaluate("document.activeElement.value") != value:
            page.keyboard.press("ArrowRight")
    assert tab_to(page, "button[value=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == portal.url(f"/jury/ami-jury/{jury['second'].reference}/")
    sheet = ScoreSheet.objects.get(assignment__application=jury["first"])
    assert sorted(sheet.scores.values_list("criterion__key", "value")) == [
        ("data-use", 7),
        ("innovation", 3),
        ("usefulness", 4),
    ]
    assert sheet.submitted_at is not None
    assert {name: v for name, v in axe.items() if v} == {}
