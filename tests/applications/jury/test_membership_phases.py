"""The phases of a call: the guard of each move, and decisions only in
deliberation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.enums import ApplicationState, CallPhase
from applications.jury.services.phases import PhaseError, move_call_phase
from applications.services import ApplicationStateError, decide_application
from portal.audit.models import AuditEvent
from tests.applications.factories import CallFactory

from .factories_membership import closed_call, deposited, make_grid, make_juror

P = CallPhase
S = ApplicationState
pytestmark = pytest.mark.django_db


def ready_for_review(call):
    make_grid(call)
    make_juror(call, email="juror@mairie.example")
    return call


# (phase before, phase asked, deadline passed, ready for review, allowed)
TRUTH_TABLE = [
    (P.SUBMISSION, P.ADMISSIBILITY, False, True, False),
    (P.SUBMISSION, P.ADMISSIBILITY, True, True, True),
    (P.SUBMISSION, P.REVIEW, True, True, False),
    (P.SUBMISSION, P.DELIBERATION, True, True, False),
    (P.SUBMISSION, P.RELEASED, True, True, False),
    (P.ADMISSIBILITY, P.REVIEW, True, True, True),
    (P.ADMISSIBILITY, P.REVIEW, True, False, False),
    (P.ADMISSIBILITY, P.DELIBERATION, True, True, False),
    (P.ADMISSIBILITY, P.SUBMISSION, True, True, False),
    (P.REVIEW, P.DELIBERATION, True, True, True),
    (P.REVIEW, P.ADMISSIBILITY, True, True, False),
    (P.REVIEW, P.RELEASED, True, True, False),
    (P.DELIBERATION, P.REVIEW, True, True, True),
    (P.DELIBERATION, P.RELEASED, True, True, False),
    (P.RELEASED, P.DELIBERATION, True, True, False),
    (P.RELEASED, P.REVIEW, True, True, False),
]


@pytest.mark.parametrize(("before", "after", "closed", "ready", "allowed"), TRUTH_TABLE)
def test_move_call_phase_truth_table(organiser, before, after, closed, ready, allowed):
    call = closed_call(phase=before) if closed else CallFactory(phase=before)
    if ready:
        ready_for_review(call)

    if allowed:
        move_call_phase(call, after, actor=organiser)
    else:
        with pytest.raises(PhaseError):
            move_call_phase(call, after, actor=organiser)

    call.refresh_from_db()
    assert call.phase == (after if allowed else before)
    events = AuditEvent.objects.filter(verb="jury.phase_moved")
    if allowed:
        event = events.get()
        assert (event.actor, event.before, event.after) == (
            organiser,
            {"phase": before.value},
            {"phase": after.value},
        )
    else:
        assert not events.exists()


def test_admissibility_before_deadline_says_when(organiser):
    closes = timezone.now() + datetime.timedelta(days=3)
    call = CallFactory(closes_at=closes)
    with translation.override("en"), pytest.raises(PhaseError) as error:
        move_call_phase(call, P.ADMISSIBILITY, actor=organiser)
    [message] = error.value.messages
    assert message.startswith("The admissibility check starts after the deadline (")


def test_review_refused_lists_every_missing_piece(organiser):
    call = closed_call(phase=P.ADMISSIBILITY)
    deposited(call, state=S.SUBMITTED)
    deposited(call, state=S.SUBMITTED)
    deposited(call, state=S.ADMISSIBLE)
    with translation.override("en"), pytest.raises(PhaseError) as error:
        move_call_phase(call, P.REVIEW, actor=organiser)
    assert error.value.messages == [
        "2 submitted applications are still to be checked for admissibility.",
        "The call has no evaluation grid yet.",
        "The call has no juror yet: invite the jury first.",
    ]


def test_review_puts_admissible_applications_under_review(organiser):
    call = ready_for_review(closed_call(phase=P.ADMISSIBILITY))
    admissible = deposited(call, state=S.ADMISSIBLE)
    inadmissible = deposited(call, state=S.INADMISSIBLE)

    move_call_phase(call, P.REVIEW, actor=organiser)

    admissible.refresh_from_db()
    inadmissible.refresh_from_db()
    assert (admissible.state, inadmissible.state) == (S.UNDER_REVIEW, S.INADMISSIBLE)


@pytest.mark.parametrize("phase", [P.SUBMISSION, P.ADMISSIBILITY, P.REVIEW, P.RELEASED])
def test_decision_refused_outside_deliberation(organiser, phase):
    call = closed_call(phase=phase)
    application = deposited(call, state=S.UNDER_REVIEW)
    with translation.override("en"), pytest.raises(ApplicationStateError) as error:
        decide_application(application, S.RETAINED, feedback="Bravo", actor=organiser)
    assert error.value.code == "phase_not_deliberation"
    with translation.override("en"):
        assert error.value.messages == ["Decisions are recorded during deliberation."]
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW
    assert not AuditEvent.objects.filter(verb="application.retained").exists()


def test_decision_recorded_in_deliberation(organiser):
    call = closed_call(phase=P.DELIBERATION)
    application = deposited(call, state=S.UNDER_REVIEW)
    decide_application(application, S.NOT_RETAINED, feedback="Merci", actor=organiser)
    application.refresh_from_db()
    assert application.state == S.NOT_RETAINED


def test_backoffice_decision_form_says_decisions_wait_for_deliberation(
    organiser_client,
):
    call = closed_call(phase=P.REVIEW)
    application = deposited(call, state=S.UNDER_REVIEW)
    with translation.override("en"):
        url = reverse(
            "applications_bo:application_detail",
            kwargs={"slug": call.slug, "reference": application.reference},
        )
        decision_url = reverse(
            "applications_bo:application_decision",
            kwargs={"slug": call.slug, "reference": application.reference},
        )
    page = organiser_client.get(url).content.decode()
    assert "Decisions are recorded during deliberation." in page
    assert decision_url not in page

    response = organiser_client.post(
        decision_url, {"decision": "retained", "feedback": "Bravo"}
    )
    assert response.status_code == 400
    assert "Decisions are recorded during deliberation." in response.content.decode()
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW


def test_jury_home_moves_phase_and_shows_refusal(organiser_client):
    call = closed_call(phase=P.ADMISSIBILITY)
    deposited(call, state=S.SUBMITTED)
    with translation.override("en"):
        home = reverse("jury_bo:call", kwargs={"slug": call.slug})
        move = reverse("jury_bo:move_phase", kwargs={"slug": call.slug})

    page = organiser_client.get(home).content.decode()
    assert "1 submitted application is still to be checked for admissibility." in page

    response = organiser_client.post(move, {"phase": "review"}, follow=True)
    assert response.redirect_chain == [(home, 302)]
    assert "The call has no evaluation grid yet." in response.content.decode()
    call.refresh_from_db()
    assert call.phase == P.ADMISSIBILITY


def test_jury_home_moves_to_deliberation(organiser_client):
    call = closed_call(phase=P.REVIEW)
    response = organiser_client.post(
        reverse("jury_bo:move_phase", kwargs={"slug": call.slug}),
        {"phase": "deliberation"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.phase == P.DELIBERATION


def test_jury_home_hostile_phase_is_refused_quietly(organiser_client):
    call = closed_call(phase=P.REVIEW)
    response = organiser_client.post(
        reverse("jury_bo:move_phase", kwargs={"slug": call.slug}),
        {"phase": "<script>"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.phase == P.REVIEW


def test_jury_home_links_only_to_pages_that_exist(organiser_client):
    call = closed_call()
    page = organiser_client.get(
        reverse("jury_bo:call", kwargs={"slug": call.slug})
    ).content.decode()
    assert reverse("jury_bo:members", kwargs={"slug": call.slug}) in page
    assert reverse("jury_bo:conflicts", kwargs={"slug": call.slug}) in page


def test_call_overview_links_to_the_jury(organiser_client):
    call = closed_call()
    page = organiser_client.get(
        reverse("applications_bo:call_overview", kwargs={"slug": call.slug})
    ).content.decode()
    assert f'href="{reverse("jury_bo:call", kwargs={"slug": call.slug})}"' in page


def test_admissibility_refused_before_the_deadline(organiser):
    from applications.services import mark_admissible, mark_inadmissible

    call = CallFactory(phase=P.SUBMISSION)
    application = deposited(call, state=S.SUBMITTED)
    with pytest.raises(ApplicationStateError) as error:
        mark_admissible(application, actor=organiser)
    assert error.value.code == "before_deadline"
    with translation.override("en"):
        assert error.value.messages == ["Admissibility is checked after the deadline."]
    with pytest.raises(ApplicationStateError):
        mark_inadmissible(application, reason="Hors sujet.", actor=organiser)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_admissibility_allowed_in_submission_after_the_deadline(organiser):
    from applications.services import mark_admissible

    call = closed_call(phase=P.SUBMISSION)
    application = deposited(call, state=S.SUBMITTED)
    mark_admissible(application, actor=organiser)
    application.refresh_from_db()
    assert application.state == S.ADMISSIBLE


def test_backoffice_admissibility_form_waits_for_the_deadline(organiser_client):
    call = CallFactory(phase=P.SUBMISSION)
    application = deposited(call, state=S.SUBMITTED)
    with translation.override("en"):
        url = reverse(
            "applications_bo:application_detail",
            kwargs={"slug": call.slug, "reference": application.reference},
        )
        action = reverse(
            "applications_bo:application_admissibility",
            kwargs={"slug": call.slug, "reference": application.reference},
        )
    page = organiser_client.get(url).content.decode()
    assert "Admissibility is checked after the deadline." in page
    assert action not in page
    response = organiser_client.post(action, {"decision": "admissible"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
