"""Who may see and do what in the jury: predicates ``(user, obj) -> bool``.

A juror reaches only the applications assigned to them, never one they are
conflicted with (a conflict not dismissed by an organiser), and only after
declaring their interests. Organisers reach everything of every call.
"""

import rules

from ..enums import CallPhase
from .enums import BLOCKING_CONFLICT_STATUSES
from .models import Assignment, Conflict, JuryMembership


def membership_of(user, call):
    """Return ``user``'s seat on the jury of ``call``, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return JuryMembership.objects.filter(call=call, user=user).first()


@rules.predicate
def is_juror_of_call(user, call):
    return membership_of(user, call) is not None


@rules.predicate
def has_declared(user, call):
    membership = membership_of(user, call)
    return membership is not None and membership.has_declared


@rules.predicate
def has_conflict(user, application):
    """Whether ``user`` has a conflict (not dismissed) with ``application``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Conflict.objects.filter(
        membership__user=user,
        membership__call_id=application.call_id,
        application=application,
        status__in=BLOCKING_CONFLICT_STATUSES,
    ).exists()


@rules.predicate
def is_assigned_juror(user, application):
    if not getattr(user, "is_authenticated", False):
        return False
    return Assignment.objects.filter(
        membership__user=user,
        membership__call_id=application.call_id,
        membership__declared_at__isnull=False,
        application=application,
    ).exists()


@rules.predicate
def review_is_open(user, application):
    return application.call.phase == CallPhase.REVIEW


# A juror reads an application only when assigned and not conflicted.
can_read_as_juror = is_assigned_juror & ~has_conflict
can_score = is_assigned_juror & ~has_conflict & review_is_open
