"""Reads of the assignment: a juror's applications, the plan of a call."""

from django.db.models import Count, Exists, OuterRef, Prefetch

from ...enums import ApplicationState
from ...models import Application
from ..enums import BLOCKING_CONFLICT_STATUSES
from ..models import Assignment, AssignmentRun, Conflict, JuryMembership

# Applications that passed the admissibility check: the only ones a jury reads.
ADMISSIBLE_STATES = (
    ApplicationState.ADMISSIBLE,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.RETAINED,
    ApplicationState.WAITING_LIST,
    ApplicationState.NOT_RETAINED,
)
# The applications the automatic assignment distributes: admissible, not decided.
ASSIGNABLE_STATES = (ApplicationState.ADMISSIBLE, ApplicationState.UNDER_REVIEW)


def assignments_for_juror(user, *, call):
    """Return the assignments of ``user`` on the jury of ``call``.

    Only once the juror has declared their interests, only admissible
    applications, never one the juror is conflicted with (a conflict pending
    or confirmed). Each row has its application and its sheet (or none)
    loaded; ordered by application reference. Empty for anyone else.
    """
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(
            membership__call=call,
            membership__user=user,
            membership__declared_at__isnull=False,
            application__call=call,
            application__state__in=ADMISSIBLE_STATES,
        )
        .exclude(
            Exists(
                Conflict.objects.filter(
                    membership_id=OuterRef("membership_id"),
                    application_id=OuterRef("application_id"),
                    status__in=BLOCKING_CONFLICT_STATUSES,
                )
            )
        )
        .select_related("application", "membership", "sheet")
        .order_by("application__reference", "pk")
    )


def assignable_applications_for_call(call):
    """Return the applications of ``call`` the assignment distributes
    (admissible, not yet decided), ordered by reference."""
    return (
        Application.objects.filter(call=call, state__in=ASSIGNABLE_STATES)
        .only("pk", "reference", "title", "themes", "call_id", "state")
        .order_by("reference", "pk")
    )


def memberships_for_call(call):
    """Return the jury memberships of ``call`` with their users, by name."""
    return (
        JuryMembership.objects.filter(call=call)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def last_run_for_call(call):
    """Return the most recent assignment run of ``call``, or None."""
    return (
        AssignmentRun.objects.filter(call=call).order_by("-created_at", "-pk").first()
    )


def assignment_plan_for_call(call):
    """Return the plan of ``call`` per juror, in a constant number of queries.

    A list of memberships (by name), each with ``plan_assignments`` (its
    assignments with application and sheet, by reference) and ``load``.
    """
    assignments = Assignment.objects.select_related("application", "sheet").order_by(
        "application__reference", "pk"
    )
    memberships = (
        memberships_for_call(call)
        .annotate(load=Count("assignments", distinct=True))
        .prefetch_related(
            Prefetch("assignments", queryset=assignments, to_attr="plan_assignments")
        )
    )
    return list(memberships)
