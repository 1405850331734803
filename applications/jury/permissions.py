"""Who may see and do what in the jury: predicates ``(user, obj) -> bool``.

A juror reaches only the applications assigned to them, never one they are
conflicted with (a conflict not dismissed by an organiser), and only after
declaring their interests. Organisers reach everything of every call.
"""

import rules

from portal.accounts.permissions import is_authenticated

from ..enums import CallPhase
from .enums import BLOCKING_CONFLICT_STATUSES
from .models import Assignment, Conflict


@rules.predicate
def has_conflict(user, application):
    """Whether ``user`` has a conflict (not dismissed) with ``application``."""
    if not is_authenticated(user):
        return False
    return Conflict.objects.filter(
        membership__user=user,
        membership__call_id=application.call_id,
        application=application,
        status__in=BLOCKING_CONFLICT_STATUSES,
    ).exists()


@rules.predicate
def is_assigned_juror(user, application):
    if not is_authenticated(user):
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


# A juror scores an application only when assigned, not conflicted, in review.
can_score = is_assigned_juror & ~has_conflict & review_is_open
