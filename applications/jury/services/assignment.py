"""Assigning jurors to applications: the automatic run and the organisers'
adjustments by hand.

The automatic run (:func:`start_assignment`, then :func:`run_assignment` in
the worker) gives each admissible application ``k`` jurors among those who
have declared their interests, never a conflicted one, with loads within one
of each other (see :mod:`.solver`). It replaces the automatic assignments not
yet scored and keeps those made by hand and those with a score sheet. When
the constraints cannot all be met, the run fails with the reasons in words and
leaves the plan as it was.

A change by hand (:func:`add_assignment`, :func:`remove_assignment`) is
refused with the reason when it would pair a conflicted juror, duplicate an
assignment, exceed ``k`` or put a juror's load out of range.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.audit.services import record_event

from ...enums import CallPhase
from ...models import Application, Call
from ..enums import BLOCKING_CONFLICT_STATUSES, AssignmentOrigin, RunState
from ..models import Assignment, AssignmentRun, Conflict, JuryMembership
from ..selectors.assignment import ASSIGNABLE_STATES
from . import solver

logger = logging.getLogger(__name__)

# The phases in which jurors are assigned: before and during the review.
ASSIGNMENT_PHASES = {CallPhase.ADMISSIBILITY, CallPhase.REVIEW}
# A run still queued or running after this long is taken as lost (worker
# restarted) and no longer blocks a new one.
STALE_RUN_AFTER = datetime.timedelta(minutes=15)

# Progress of a run, shown to the organiser while the worker solves.
PROGRESS_LOADING = 10
PROGRESS_SOLVING = 40
PROGRESS_SAVING = 80
PROGRESS_DONE = 100


class AssignmentError(ValidationError):
    """A change of the assignment that is not allowed; the message says why."""


# --- Reading the instance ------------------------------------------------------


class _Instance:
    """What the solver needs, read from the database, with the names to
    explain its problems."""

    def __init__(self, call):
        self.call = call
        self.k = call.reviewers_per_application
        self.applications = {
            a.pk: a
            for a in Application.objects.filter(
                call=call, state__in=ASSIGNABLE_STATES
            ).only("pk", "reference", "title", "themes")
        }
        memberships = list(
            JuryMembership.objects.filter(call=call)
            .select_related("user")
            .order_by("user__full_name", "user__email", "pk")
        )
        self.jurors = {m.pk: m for m in memberships if m.has_declared}
        self.undeclared = [m for m in memberships if not m.has_declared]
        self.forbidden = set(
            Conflict.objects.filter(
                membership__call=call,
                membership_id__in=self.jurors,
                application_id__in=self.applications,
                status__in=BLOCKING_CONFLICT_STATUSES,
            ).values_list("application_id", "membership_id")
        )
        self.existing = list(
            Assignment.objects.filter(membership__call=call).values_list(
                "pk", "application_id", "membership_id", "origin", "sheet__id"
            )
        )
        # Kept: made by hand or already scored, within the instance.
        self.keep = {
            (application_id, membership_id)
            for _pk, application_id, membership_id, origin, sheet_id in self.existing
            if (origin == AssignmentOrigin.MANUAL or sheet_id is not None)
            and application_id in self.applications
            and membership_id in self.jurors
        }
        # The automatic pairs of the current plan stay when nothing better
        # is possible: a new run changes what it must, not everything.
        self.current = {
            (application_id, membership_id)
            for _pk, application_id, membership_id, _origin, _sheet in self.existing
        } - self.keep
        self.preferences = {}
        for application in self.applications.values():
            themes = set(application.themes or [])
            for membership in self.jurors.values():
                if themes & set(membership.themes or []):
                    self.preferences[(application.pk, membership.pk)] = 1

    def fingerprint(self):
        return (
            frozenset(self.applications),
            frozenset(self.jurors),
            frozenset(self.forbidden),
            frozenset(self.keep),
            self.k,
        )

    def solve(self):
        return solver.solve(
            sorted(self.applications),
            sorted(self.jurors),
            self.k,
            forbidden=self.forbidden,
            keep=self.keep,
            preferences=self.preferences,
            stay_if_possible=self.current,
        )


def _juror_name(membership):
    return membership.user.display_name


def _application_words(application):
    return {"reference": application.reference, "title": application.title or "—"}


def describe_problem(problem, instance):
    """Return ``problem`` (a :class:`solver.Problem`) in words, in the active
    language, with the references, titles and names it concerns."""
    f = problem.figures
    if problem.code == solver.NO_JUROR:
        return _(
            "No juror has declared their interests yet: nobody can be assigned. "
            "Invite jurors and wait for their declarations."
        )
    if problem.code == solver.K_EXCEEDS_JURORS:
        return ngettext(
            "Each application needs %(k)s jurors but only %(jurors)s juror has "
            "declared their interests: add jurors or lower the number of jurors "
            "per application.",
            "Each application needs %(k)s jurors but only %(jurors)s jurors have "
            "declared their interests: add jurors or lower the number of jurors "
            "per application.",
            f["jurors"],
        ) % {"k": f["k"], "jurors": f["jurors"]}
    if problem.code == solver.TOO_FEW_ELIGIBLE:
        return ngettext(
            "Application %(reference)s “%(title)s” has only %(eligible)s eligible "
            "juror for %(k)s: add a juror or lower the number of jurors per "
            "application.",
            "Application %(reference)s “%(title)s” has only %(eligible)s eligible "
            "jurors for %(k)s: add a juror or lower the number of jurors per "
            "application.",
            f["eligible"],
        ) % {
            **_application_words(instance.applications[f["application"]]),
            "eligible": f["eligible"],
            "k": f["k"],
        }
    if problem.code == solver.JUROR_TOO_FEW_ELIGIBLE:
        return ngettext(
            "%(juror)s may read only %(eligible)s application (conflicts keep them "
            "from the others), fewer than the %(min_load)s each juror must read: "
            "review their conflicts or lower the number of jurors per application.",
            "%(juror)s may read only %(eligible)s applications (conflicts keep them "
            "from the others), fewer than the %(min_load)s each juror must read: "
            "review their conflicts or lower the number of jurors per application.",
            f["eligible"],
        ) % {
            "juror": _juror_name(instance.jurors[f["juror"]]),
            "eligible": f["eligible"],
            "min_load": f["min_load"],
        }
    if problem.code == solver.KEPT_CONFLICTED:
        return _(
            "%(juror)s has a conflict of interest with application %(reference)s "
            "“%(title)s” but is kept on it (assigned by hand or already "
            "scored): remove this assignment."
        ) % {
            "juror": _juror_name(instance.jurors[f["juror"]]),
            **_application_words(instance.applications[f["application"]]),
        }
    if problem.code == solver.KEPT_EXCEEDS_K:
        return _(
            "Application %(reference)s “%(title)s” already keeps %(kept)s jurors "
            "(assigned by hand or already scored) for %(k)s: remove some or raise "
            "the number of jurors per application."
        ) % {
            **_application_words(instance.applications[f["application"]]),
            "kept": f["kept"],
            "k": f["k"],
        }
    if problem.code == solver.KEPT_EXCEEDS_LOAD:
        return _(
            "%(juror)s already keeps %(kept)s applications (assigned by hand or "
            "already scored), more than the %(max_load)s each juror may read: "
            "remove some of their assignments."
        ) % {
            "juror": _juror_name(instance.jurors[f["juror"]]),
            "kept": f["kept"],
            "max_load": f["max_load"],
        }
    if problem.code == solver.SOLVER_INFEASIBLE:
        return (
            _(
                "No plan meets every constraint at once: %(applications)s applications "
                "× %(k)s jurors = %(total)s readings to share among %(jurors)s jurors "
                "(%(min_load)s to %(max_load)s each), with %(conflicts)s conflicts of "
                "interest and %(kept)s assignments kept. Some applications share too "
                "few eligible jurors: review the conflicts, add jurors or lower the "
                "number of jurors per application."
            )
            % f
        )
    return problem.code


def _undeclared_words(instance):
    return [
        _("%(name)s has not declared their interests yet.")
        % {"name": _juror_name(membership)}
        for membership in instance.undeclared
    ]


# --- The automatic run ---------------------------------------------------------


def _lock_call(call):
    return Call.objects.select_for_update().get(pk=call.pk)


def start_assignment(call, *, actor):
    """Create an assignment run of ``call`` and queue it for the worker.

    Allowed during the admissibility check and the review (the assignments
    with a score sheet are kept). Writes ``jury.assignment_started``; the
    task is queued on commit. Raise :class:`AssignmentError` in another
    phase or while a run is already waiting or in progress.
    """
    from ..tasks_assignment import run_assignment_task

    with transaction.atomic():
        call = _lock_call(call)
        if call.phase not in ASSIGNMENT_PHASES:
            raise AssignmentError(
                _(
                    "Jurors are assigned only during the admissibility check or "
                    "the jury review; this call is at the phase “%(phase)s”."
                )
                % {"phase": call.get_phase_display()}
            )
        busy = AssignmentRun.objects.filter(
            call=call,
            state__in=[RunState.QUEUED, RunState.RUNNING],
            created_at__gte=timezone.now() - STALE_RUN_AFTER,
        ).exists()
        if busy:
            raise AssignmentError(
                _("An assignment run is already under way: wait for its result.")
            )
        run = AssignmentRun.objects.create(
            call=call,
            reviewers_per_application=call.reviewers_per_application,
            requested_by=actor,
        )
        record_event(
            "jury.assignment_started",
            actor=actor,
            target=run,
            after={"call": call.slug, "k": run.reviewers_per_application},
        )
        transaction.on_commit(lambda: run_assignment_task.delay(run_id=run.pk))
    return run


def _set_progress(run, progress, **fields):
    run.progress = progress
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=["progress", *fields])


def _fail(run, problems, *, actor):
    with transaction.atomic():
        _set_progress(
            run,
            PROGRESS_DONE,
            state=RunState.FAILED,
            problems=problems,
            finished_at=timezone.now(),
        )
        record_event(
            "jury.assignment_run",
            actor=actor,
            target=run,
            after={"state": RunState.FAILED, "problems": problems},
        )
    return run


def run_assignment(run):
    """Solve the assignment of ``run``'s call and save the plan.

    Takes the run from queued to running, then done or failed; ``progress``
    moves through loading, solving and saving (each step committed, so the
    organiser sees it). On success, replaces the automatic assignments not
    yet scored by the new plan, keeps those made by hand or with a sheet,
    and writes ``summary``; the jurors who have not declared their interests
    are listed in ``problems``. On failure, leaves the plan as it was and
    writes the reasons in ``problems``. Writes ``jury.assignment_run``.
    Does nothing for a run that is not queued (safe to run twice).
    """
    with transaction.atomic():
        run = AssignmentRun.objects.select_for_update().get(pk=run.pk)
        if run.state != RunState.QUEUED:
            return run
        _set_progress(run, PROGRESS_LOADING, state=RunState.RUNNING)
    requester = run.requested_by
    language = (getattr(requester, "language", "") or "fr")[:2]
    with translation.override(language):
        try:
            return _run(run, requester)
        except Exception:
            # The plan's transaction rolled back: say so rather than leave the
            # run "in progress" for ever, then let the worker log the error.
            _fail(
                run,
                [_("The assignment failed unexpectedly; the plan is unchanged.")],
                actor=requester,
            )
            raise


def _run(run, requester):
    call = run.call
    call.reviewers_per_application = run.reviewers_per_application
    instance = _Instance(call)
    notes = _undeclared_words(instance)
    _set_progress(run, PROGRESS_SOLVING)
    try:
        solution = instance.solve()
    except solver.InfeasibleAssignment as error:
        problems = [describe_problem(p, instance) for p in error.problems]
        return _fail(run, problems + notes, actor=requester)
    except solver.SolverError:
        logger.exception("The assignment solver failed on run %s", run.pk)
        return _fail(
            run,
            [_("The solver failed unexpectedly; the plan is unchanged.")] + notes,
            actor=requester,
        )
    _set_progress(run, PROGRESS_SAVING)
    with transaction.atomic():
        # Manual changes lock the call too: the plan is saved only if nothing
        # it depends on changed while the solver ran.
        locked = _lock_call(call)
        locked.reviewers_per_application = run.reviewers_per_application
        unchanged = _Instance(locked).fingerprint() == instance.fingerprint()
        if unchanged:
            _save_plan(run, instance, solution, notes, requester)
    if not unchanged:
        changed = _(
            "The jury, the conflicts or the applications changed during the run; "
            "the plan is unchanged: run the assignment again."
        )
        return _fail(run, [changed, *notes], actor=requester)
    return run


def _save_plan(run, instance, solution, notes, requester):
    before = len(instance.existing)
    wanted = set(solution.pairs)
    removable = [
        pk
        for pk, application_id, membership_id, origin, sheet_id in instance.existing
        if origin == AssignmentOrigin.AUTOMATIC
        and sheet_id is None
        and (application_id, membership_id) not in wanted
    ]
    present = {(a, m) for _pk, a, m, _o, _s in instance.existing}
    Assignment.objects.filter(pk__in=removable).delete()
    created = Assignment.objects.bulk_create(
        [
            Assignment(
                membership_id=membership_id,
                application_id=application_id,
                origin=AssignmentOrigin.AUTOMATIC,
                created_by=requester,
            )
            for application_id, membership_id in sorted(wanted - present)
        ]
    )
    loads = solution.loads
    summary = {
        "applications": len(instance.applications),
        "jurors": len(instance.jurors),
        "k": instance.k,
        "assignments": len(wanted),
        "min_load": min(loads.values()) if loads else 0,
        "max_load": max(loads.values()) if loads else 0,
        "kept": len(instance.keep),
        "created": len(created),
        "removed": len(removable),
        "preference_matches": solution.preference_matches,
        "conflicts": len(instance.forbidden),
        "seconds": round(solution.seconds, 3),
    }
    _set_progress(
        run,
        PROGRESS_DONE,
        state=RunState.DONE,
        summary=summary,
        problems=notes,
        finished_at=timezone.now(),
    )
    record_event(
        "jury.assignment_run",
        actor=requester,
        target=run,
        before={"assignments": before},
        after={"state": RunState.DONE, **summary, "problems": notes},
    )
    return summary


# --- Adjustments by hand -------------------------------------------------------


def juror_load_bounds(call):
    """Return (lowest, highest) load of a juror of ``call`` in a balanced
    plan: the assignable applications × k shared among the declared jurors."""
    applications = Application.objects.filter(
        call=call, state__in=ASSIGNABLE_STATES
    ).count()
    jurors = JuryMembership.objects.filter(call=call, declared_at__isnull=False).count()
    return solver.load_bounds(
        range(applications), range(jurors), call.reviewers_per_application
    )


def _check_phase(call):
    if call.phase not in ASSIGNMENT_PHASES:
        raise AssignmentError(
            _(
                "Assignments change only during the admissibility check or the "
                "jury review; this call is at the phase “%(phase)s”."
            )
            % {"phase": call.get_phase_display()}
        )


def add_assignment(call, *, membership, application, actor):
    """Assign the juror of ``membership`` to ``application`` by hand.

    Writes ``jury.assignment_added``. Raise :class:`AssignmentError` with the
    reason when the call is not at an assignment phase, the juror has not
    declared their interests, the application is not admissible, the pair
    exists already, the juror has a conflict with the application, the
    application has its ``k`` jurors already, or the juror's load would go
    above the highest load of a balanced plan.
    """
    with transaction.atomic():
        call = _lock_call(call)
        _check_phase(call)
        if membership.call_id != call.pk or application.call_id != call.pk:
            raise AssignmentError(_("This juror or application is not of this call."))
        name = _juror_name(membership)
        words = {"juror": name, **_application_words(application)}
        if not membership.has_declared:
            raise AssignmentError(
                _("%(juror)s has not declared their interests yet.") % words
            )
        if application.state not in ASSIGNABLE_STATES:
            raise AssignmentError(
                _(
                    "Application %(reference)s “%(title)s” is not admissible: "
                    "no juror reads it."
                )
                % words
            )
        if Assignment.objects.filter(
            membership=membership, application=application
        ).exists():
            raise AssignmentError(
                _(
                    "%(juror)s is already assigned to application %(reference)s "
                    "“%(title)s”."
                )
                % words
            )
        if Conflict.objects.filter(
            membership=membership,
            application=application,
            status__in=BLOCKING_CONFLICT_STATUSES,
        ).exists():
            raise AssignmentError(
                _(
                    "%(juror)s has a conflict of interest with application "
                    "%(reference)s “%(title)s”: they cannot read it."
                )
                % words
            )
        k = call.reviewers_per_application
        count = Assignment.objects.filter(application=application).count()
        if count >= k:
            raise AssignmentError(
                ngettext(
                    "Application %(reference)s “%(title)s” already has its "
                    "%(k)s juror: remove them first.",
                    "Application %(reference)s “%(title)s” already has its "
                    "%(k)s jurors: remove one first.",
                    k,
                )
                % {**words, "k": k}
            )
        _low, high = juror_load_bounds(call)
        load = Assignment.objects.filter(
            membership=membership, application__state__in=ASSIGNABLE_STATES
        ).count()
        if load + 1 > high:
            raise AssignmentError(
                _(
                    "%(juror)s would read %(load)s applications, more than the "
                    "%(high)s each juror may read so that loads stay within one "
                    "of each other: remove one of their assignments first."
                )
                % {"juror": name, "load": load + 1, "high": high}
            )
        assignment = Assignment.objects.create(
            membership=membership,
            application=application,
            origin=AssignmentOrigin.MANUAL,
            created_by=actor,
        )
        record_event(
            "jury.assignment_added",
            actor=actor,
            target=assignment,
            after={
                "juror": membership.user.email,
                "application": application.reference,
                "origin": AssignmentOrigin.MANUAL,
            },
        )
    return assignment


def remove_assignment(assignment, *, actor):
    """Take a juror off an application.

    Writes ``jury.assignment_removed``. Raise :class:`AssignmentError` when
    the call is not at an assignment phase, or when the juror has started
    scoring the application (the sheet would be lost) unless they have a
    conflict of interest with it.
    """
    with transaction.atomic():
        call = _lock_call(assignment.membership.call)
        _check_phase(call)
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("membership__user", "application")
            .get(pk=assignment.pk)
        )
        membership, application = assignment.membership, assignment.application
        words = {"juror": _juror_name(membership), **_application_words(application)}
        has_sheet = hasattr(assignment, "sheet")
        conflicted = Conflict.objects.filter(
            membership=membership,
            application=application,
            status__in=BLOCKING_CONFLICT_STATUSES,
        ).exists()
        if has_sheet and not conflicted:
            raise AssignmentError(
                _(
                    "%(juror)s has started scoring application %(reference)s "
                    "“%(title)s”: the assignment stays."
                )
                % words
            )
        before = {
            "juror": membership.user.email,
            "application": application.reference,
            "origin": assignment.origin,
            "had_sheet": has_sheet,
        }
        assignment.delete()
        record_event(
            "jury.assignment_removed",
            actor=actor,
            target=application,
            before=before,
        )


# The labels of a run's state, for the progress endpoint.
RUN_STEP_LABELS = {
    PROGRESS_LOADING: gettext_lazy("Loading the jury and the applications"),
    PROGRESS_SOLVING: gettext_lazy("Solving"),
    PROGRESS_SAVING: gettext_lazy("Saving the plan"),
}
