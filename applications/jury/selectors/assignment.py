"""Reads of the assignment: a juror's applications, the plan of a call."""

from django.db.models import Count, Exists, OuterRef, Prefetch

from ...enums import ApplicationState
from ...filters import ADMISSIBLE_STATES
from ...models import Application
from ..enums import BLOCKING_CONFLICT_STATUSES
from ..models import Assignment, AssignmentRun, Conflict, JuryMembership
from ..services.solver import load_bounds

# The applications the automatic assignment distributes and the deliberation
# decides: admissible, not decided yet.
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
    return _readable(
        Assignment.objects.filter(
            membership__call=call, membership__user=user, application__call=call
        )
    )


def assignments_for_membership(membership):
    """Return the assignments of a jury seat a juror may open, as
    ``assignments_for_juror`` does for its user and call."""
    return _readable(
        Assignment.objects.filter(
            membership=membership, application__call_id=membership.call_id
        )
    )


def _readable(assignments):
    """Narrow ``assignments`` to what a juror may open: declared seat,
    admissible application, no conflict in the way."""
    return (
        assignments.filter(
            membership__declared_at__isnull=False,
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
    assignments with application and sheet, by reference).
    """
    assignments = Assignment.objects.select_related("application", "sheet").order_by(
        "application__reference", "pk"
    )
    memberships = memberships_for_call(call).prefetch_related(
        Prefetch("assignments", queryset=assignments, to_attr="plan_assignments")
    )
    return list(memberships)


def assignment_overview_for_call(call):
    """Return what the organisers' assignment page shows, in a constant
    number of queries (five), whatever the size of the call.

    A dict: ``jurors`` (declared memberships by name, each with
    ``plan_assignments`` flagged ``is_conflicted``, and ``load``),
    ``undeclared`` (memberships still to declare), ``short`` (assignable
    applications with fewer than k jurors, each with ``juror_count``),
    ``checks`` (figures of the plan's health), ``min_load``/``max_load`` (the
    load bounds of a balanced plan) and ``last_run``.
    """
    k = call.reviewers_per_application
    memberships = assignment_plan_for_call(call)
    applications = list(
        assignable_applications_for_call(call).annotate(
            juror_count=Count("assignments", distinct=True)
        )
    )
    blocking = set(
        Conflict.objects.filter(
            membership__call=call, status__in=BLOCKING_CONFLICT_STATUSES
        ).values_list("membership_id", "application_id")
    )
    jurors = [m for m in memberships if m.has_declared]
    undeclared = [m for m in memberships if not m.has_declared]
    assignable_ids = {a.pk for a in applications}
    conflicted = []
    for membership in memberships:
        membership.load = 0
        for assignment in membership.plan_assignments:
            assignment.is_conflicted = (
                membership.pk,
                assignment.application_id,
            ) in blocking
            if assignment.is_conflicted:
                conflicted.append(assignment)
            if assignment.application_id in assignable_ids:
                membership.load += 1
    low, high = load_bounds(applications, jurors, k)
    for membership in jurors:
        membership.load_in_range = low <= membership.load <= high
    short = [a for a in applications if a.juror_count < k]
    return {
        "k": k,
        "jurors": jurors,
        "undeclared": undeclared,
        "applications_count": len(applications),
        "short": short,
        "conflicted": conflicted,
        "out_of_range": [m for m in jurors if not m.load_in_range],
        "min_load": low,
        "max_load": high,
        "assignment_count": sum(m.load for m in jurors),
        "last_run": last_run_for_call(call),
    }
