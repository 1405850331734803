"""Reads for the jury's membership pages: seats, invitations, conflicts."""

from django.db.models import Count, Q

from ..enums import ConflictStatus
from ..models import Conflict, JuryInvitation, JuryMembership


def memberships_for_juror(user):
    """Return ``user``'s seats, each call with its phase and the juror's figures.

    Each membership carries ``assigned_count`` and ``submitted_count`` (sheets
    submitted). Newest call first; a constant number of queries.
    """
    return (
        JuryMembership.objects.filter(user_id=user.pk)
        .select_related("call")
        .annotate(
            assigned_count=Count("assignments", distinct=True),
            submitted_count=Count(
                "assignments__sheet",
                filter=Q(assignments__sheet__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-call__closes_at", "call_id")
    )


def members_for_call(call):
    """Return the jury of ``call`` with each member's declaration and figures.

    Annotated with ``assigned_count``, ``sheet_count`` (sheets started) and
    ``conflict_count`` (conflicts not dismissed). Ordered by name.
    """
    return (
        JuryMembership.objects.filter(call=call)
        .select_related("user")
        .annotate(
            assigned_count=Count("assignments", distinct=True),
            sheet_count=Count("assignments__sheet", distinct=True),
            conflict_count=Count(
                "conflicts",
                filter=~Q(conflicts__status=ConflictStatus.DISMISSED),
                distinct=True,
            ),
        )
        .order_by("user__full_name", "user__email")
    )


def pending_invitations_for_call(call):
    """Return the invitations of ``call`` neither accepted nor withdrawn."""
    return (
        JuryInvitation.objects.filter(
            call=call, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def conflicts_for_call(call, *, status=None):
    """Return the conflicts of ``call``'s jury, optionally of one ``status``.

    With the juror, the application and who checked it; ordered by juror then
    application reference.
    """
    conflicts = Conflict.objects.filter(membership__call=call).select_related(
        "membership__user", "application", "resolved_by"
    )
    if status:
        conflicts = conflicts.filter(status=status)
    return conflicts.order_by(
        "membership__user__full_name", "application__reference", "source"
    )


def conflict_for_call(call, pk):
    """Return conflict ``pk`` of ``call``'s jury, or None."""
    return (
        Conflict.objects.filter(membership__call=call, pk=pk)
        .select_related("membership__user", "application")
        .first()
    )
