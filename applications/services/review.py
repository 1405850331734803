"""Changes of state: admissibility, review, decisions, the retained Project.

Each one runs in a transaction, locks the application row, checks the allowed
transitions (``APPLICATION_TRANSITIONS`` in ``enums.py``), saves with
``update_fields``, records an audit event and queues its side effects with
``transaction.on_commit``.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..enums import (
    APPLICATION_TRANSITIONS,
    DECISION_STATES,
    ApplicationState,
    CallPhase,
)
from .base import ApplicationStateError, _lock, _sync
from .emails import queue_state_email


def change_state(application, new_state, *, actor, reason="", feedback=""):
    """Move ``application`` to ``new_state`` if the transition table allows it.

    Locks the row, saves the state (and the reason for an inadmissibility, the
    feedback for a decision), stamps ``state_changed_at`` and records the audit
    event ``application.<new_state>`` with the state before and after.
    Raises ``ApplicationStateError`` when the transition is not allowed, or
    when an inadmissibility comes without a reason. Returns the application.
    """
    new_state = ApplicationState(new_state)
    with transaction.atomic():
        locked = _lock(application)
        old_state = ApplicationState(locked.state)
        if new_state not in APPLICATION_TRANSITIONS[old_state]:
            raise ApplicationStateError(
                _("An application cannot go from “%(before)s” to “%(after)s”."),
                code="transition_not_allowed",
                params={"before": old_state.label, "after": new_state.label},
            )
        if new_state == ApplicationState.INADMISSIBLE and not reason.strip():
            raise ApplicationStateError(
                _("Give the reason why the application is inadmissible."),
                code="reason_required",
            )
        locked.state = new_state
        locked.state_changed_at = timezone.now()
        fields = ["state", "state_changed_at"]
        if new_state == ApplicationState.INADMISSIBLE:
            locked.inadmissibility_reason = reason.strip()
            fields.append("inadmissibility_reason")
        elif new_state == ApplicationState.ADMISSIBLE:
            locked.inadmissibility_reason = ""
            fields.append("inadmissibility_reason")
        if new_state in DECISION_STATES:
            locked.decision_feedback = feedback.strip()
            fields.append("decision_feedback")
        locked.save(update_fields=fields)
        if new_state == ApplicationState.RETAINED:
            create_project(locked, actor=actor)
        after = {"state": new_state.value}
        if reason:
            after["reason"] = reason.strip()
        if feedback:
            after["feedback"] = feedback.strip()
        record_event(
            f"application.{new_state.value}",
            actor=actor,
            target=locked,
            before={"state": old_state.value},
            after=after,
        )
    _sync(application, locked, fields)
    return application


def create_project(application, *, actor):
    """Make the Project of a retained ``application`` (once; returns it).

    Its public name and summary start from the application's title and
    summary; its slug is unique. Records ``project.created``. Returns the
    existing Project when the application already has one.
    """
    from django.utils.text import slugify

    from ..models import Project

    with transaction.atomic():
        existing = Project.objects.filter(application=application).first()
        if existing is not None:
            return existing
        base = slugify(application.title)[:60] or application.reference.lower()
        slug, number = base, 1
        while Project.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        project = Project.objects.create(
            application=application,
            slug=slug,
            name=application.title or application.reference,
            summary=application.summary,
        )
        record_event(
            "project.created",
            actor=actor,
            target=project,
            after={"application": application.reference, "slug": slug},
        )
    return project


def check_admissibility_open(application, *, now=None):
    """Raise ``ApplicationStateError`` while the call still takes applications.

    The admissibility check starts at the deadline: in the submission phase
    after ``closes_at``, then in the admissibility phase (and later, to correct
    a mistake).
    """
    call = application.call
    now = now or timezone.now()
    if call.phase == CallPhase.SUBMISSION and now < call.closes_at:
        raise ApplicationStateError(
            _("Admissibility is checked after the deadline."),
            code="before_deadline",
        )


def mark_admissible(application, *, actor):
    """Declare a submitted application admissible (or overturn an inadmissibility).

    Not before the call's deadline. Raises ``ApplicationStateError`` then, and
    from any state but submitted or inadmissible. Runs the jury's conflict
    detection on the application (``jury.services.conflicts``).
    """
    from ..jury.services.conflicts import detect_conflicts

    check_admissibility_open(application)
    with transaction.atomic():
        change_state(application, ApplicationState.ADMISSIBLE, actor=actor)
        detect_conflicts(application.call, applications=[application], actor=actor)
    return application


def mark_inadmissible(application, *, reason, actor):
    """Declare the application inadmissible and email the reason to its team.

    Not before the call's deadline. The reason is required
    (``ApplicationStateError`` otherwise); the email is recorded as a
    ``SentEmail`` of kind ``inadmissible`` and sent by Celery after the commit.
    """
    check_admissibility_open(application)
    with transaction.atomic():
        change_state(
            application, ApplicationState.INADMISSIBLE, actor=actor, reason=reason
        )
        queue_state_email(application, kind="inadmissible", actor=actor)
    return application


def start_review(application, *, actor):
    """Put an admissible application under the jury's review.

    Only while the call is in review or deliberation (moving the call to review
    puts its admissible applications under review; this is for one admitted
    later). Raises ``ApplicationStateError`` otherwise.
    """
    if application.call.phase not in (CallPhase.REVIEW, CallPhase.DELIBERATION):
        raise ApplicationStateError(
            _("Applications go under review when the call's review phase starts."),
            code="phase_not_review",
        )
    return change_state(application, ApplicationState.UNDER_REVIEW, actor=actor)


def decide_application(application, decision, *, feedback, actor):
    """Record the decision (retained, waiting list, not retained) and email it.

    Only while the call is in deliberation: decisions are the jury's, recorded
    after the deadline, the admissibility check and the review. Written
    feedback is required. Raises ``ApplicationStateError`` outside deliberation,
    when the decision is not one of the three or not allowed from the current
    state. The
    email (kind ``decision``) is recorded and sent by Celery after the commit.
    """
    if application.call.phase != CallPhase.DELIBERATION:
        raise ApplicationStateError(
            _("Decisions are recorded during deliberation."),
            code="phase_not_deliberation",
        )
    decision = ApplicationState(decision)
    if decision not in DECISION_STATES:
        raise ApplicationStateError(
            _("“%(state)s” is not a decision."),
            code="not_a_decision",
            params={"state": decision.label},
        )
    if not (feedback or "").strip():
        raise ApplicationStateError(
            _("Write the feedback the team will receive."),
            code="feedback_required",
        )
    with transaction.atomic():
        change_state(application, decision, actor=actor, feedback=feedback)
        queue_state_email(application, kind="decision", actor=actor)
    return application
