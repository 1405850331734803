"""Every change to an application goes through these functions.

Each one runs in a transaction, locks the application row, checks the allowed
transitions (``APPLICATION_TRANSITIONS`` in ``enums.py``), saves with
``update_fields``, records an audit event and queues its side effects with
``transaction.on_commit``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from .enums import APPLICATION_TRANSITIONS, DECISION_STATES, ApplicationState
from .models import Application

# --- Domain errors -------------------------------------------------------------


class ApplicationStateError(ValidationError):
    """The application's state does not allow what was asked."""


class DeadlinePassedError(ValidationError):
    """The call is closed (or not open yet) at the time of the request."""


class IncompleteApplicationError(ValidationError):
    """The application misses required content; ``missing`` lists it.

    ``missing`` is a list of ``(field_name, message)`` pairs, in form order.
    """

    def __init__(self, missing):
        self.missing = list(missing)
        super().__init__([message for _name, message in self.missing])


class NotEligibleError(ValidationError):
    """The eligibility screen failed; ``reasons`` say why."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__(self.reasons)


class TeamError(ValidationError):
    """A change to the team that is not allowed."""


class EditConflictError(Exception):
    """Fields changed by someone else since the client's version.

    Not raised by ``save_draft`` (which merges what it can and reports the
    conflicts); kept for callers that want all-or-nothing behaviour.
    """

    def __init__(self, conflicts):
        self.conflicts = conflicts
        super().__init__(", ".join(sorted(conflicts)))


# --- States -------------------------------------------------------------------


def _lock(application):
    return Application.objects.select_for_update().get(pk=application.pk)


def _sync(application, locked, fields):
    """Copy saved values back onto the caller's instance."""
    for field in fields:
        setattr(application, field, getattr(locked, field))


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


# --- Back-office services (admissibility, review, decisions) below ---
