"""The phases of a call: submission, admissibility, review, deliberation, released.

The organiser moves a call on; each move is checked against
``CALL_PHASE_TRANSITIONS`` and its own guard. The release of the decisions is
not done here: ``release_decisions`` (deliberation) moves the call to released.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.audit.services import record_event

from ...enums import CALL_PHASE_TRANSITIONS, ApplicationState, CallPhase
from ...models import Application, Call
from ...services.review import change_state
from ..models import Criterion, JuryMembership


class PhaseError(ValidationError):
    """The call cannot move to the phase asked for (the message says why)."""


def phase_problems(call, phase, *, now=None):
    """Return the translated reasons why ``call`` cannot move to ``phase`` now.

    An empty list means the move is allowed. Reads only; ``move_call_phase``
    checks the same list under a lock.
    """
    phase = CallPhase(phase)
    current = CallPhase(call.phase)
    now = now or timezone.now()
    if phase == CallPhase.RELEASED:
        return [_("Decisions are released together from the deliberation page.")]
    if phase not in CALL_PHASE_TRANSITIONS[current]:
        return [
            _("A call cannot go from “%(before)s” to “%(after)s”.")
            % {"before": current.label, "after": phase.label}
        ]
    problems = []
    if phase == CallPhase.ADMISSIBILITY and now < call.closes_at:
        problems.append(
            _("The admissibility check starts after the deadline (%(date)s).")
            % {
                "date": formats.date_format(
                    timezone.localtime(call.closes_at), "DATETIME_FORMAT"
                )
            }
        )
    if phase == CallPhase.REVIEW and current == CallPhase.ADMISSIBILITY:
        unchecked = (
            Application.objects.filter(call=call)
            .filter(state=ApplicationState.SUBMITTED)
            .count()
        )
        if unchecked:
            problems.append(
                ngettext(
                    "%(count)s submitted application is still to be checked "
                    "for admissibility.",
                    "%(count)s submitted applications are still to be checked "
                    "for admissibility.",
                    unchecked,
                )
                % {"count": unchecked}
            )
        if not Criterion.objects.filter(grid__call=call).exists():
            problems.append(_("The call has no evaluation grid yet."))
        if not JuryMembership.objects.filter(call=call).exists():
            problems.append(_("The call has no juror yet: invite the jury first."))
    return problems


def move_call_phase(call, phase, *, actor):
    """Move ``call`` to ``phase`` when the transition table and its guard allow.

    Admissibility only after the deadline; review only when no submitted
    application is left to check, with a grid and at least one juror (the
    call's admissible applications then go under review); deliberation from
    review (and back to review for a late sheet). Released is refused here.
    Saves ``phase`` and ``phase_changed_at`` and records ``jury.phase_moved``.
    Raises ``PhaseError`` with every reason when the move is refused.
    """
    phase = CallPhase(phase)
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        problems = phase_problems(locked, phase)
        if problems:
            raise PhaseError(problems, code="phase_refused")
        before = locked.phase
        locked.phase = phase
        locked.phase_changed_at = timezone.now()
        locked.save(update_fields=["phase", "phase_changed_at"])
        record_event(
            "jury.phase_moved",
            actor=actor,
            target=locked,
            before={"phase": before},
            after={"phase": phase.value},
        )
        if phase == CallPhase.REVIEW:
            admissible = Application.objects.filter(
                call=locked, state=ApplicationState.ADMISSIBLE
            ).order_by("pk")
            for application in admissible:
                change_state(application, ApplicationState.UNDER_REVIEW, actor=actor)
    call.phase, call.phase_changed_at = locked.phase, locked.phase_changed_at
    return call
