from collections import Counter

import pytest
from django.utils import translation

from applications.enums import ApplicationState, CallPhase
from applications.jury.enums import (
    AssignmentOrigin,
    ConflictSource,
    ConflictStatus,
    RunState,
)
from applications.jury.models import Assignment, AssignmentRun
from applications.jury.services.assignment import (
    AssignmentError,
    add_assignment,
    remove_assignment,
    run_assignment,
    start_assignment,
)
from portal.audit.models import AuditEvent

from .factories_assignment import (
    AssignmentFactory,
    ConflictFactory,
    ReviewCallFactory,
    make_applications,
    make_jury,
    make_sheet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are checked in English, so that they hold before and after the
    # French catalogue is merged.
    translation.activate("en")


@pytest.fixture
def english_organiser(organiser):
    # Problems are written in the requester's language; English keeps these
    # expectations independent of the French catalogue.
    organiser.language = "en"
    organiser.save(update_fields=["language"])
    return organiser


def _pairs(call):
    return set(
        Assignment.objects.filter(membership__call=call).values_list(
            "application__reference", "membership__user__full_name"
        )
    )


def _start(call, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_assignment(call, actor=actor)
    run.refresh_from_db()
    return run


def test_run_gives_each_application_k_jurors_balanced_without_conflict(
    english_organiser, django_capture_on_commit_callbacks
):
    call = ReviewCallFactory(reviewers_per_application=3)
    apps = make_applications(call, 6)
    anne, bruno, chloe, david = make_jury(call, ["Anne", "Bruno", "Chloe", "David"])
    make_jury(call, ["Claire"], declared=False)
    ConflictFactory(membership=anne, application=apps[0])
    ConflictFactory(
        membership=bruno,
        application=apps[1],
        source=ConflictSource.SAME_EMAIL_DOMAIN,
        status=ConflictStatus.PENDING,
    )

    run = _start(call, english_organiser, django_capture_on_commit_callbacks)

    assert run.state == RunState.DONE
    assert run.progress == 100
    assert run.problems == ["Claire has not declared their interests yet."]
    pairs = _pairs(call)
    per_application = Counter(reference for reference, _ in pairs)
    assert per_application == {f"AMI-2-{i:03d}": 3 for i in range(1, 7)}
    loads = Counter(name for _, name in pairs)
    # 6 × 3 = 18 readings over 4 jurors: two read 5, two read 4.
    assert sorted(loads.values()) == [4, 4, 5, 5]
    assert "Claire" not in loads
    assert ("AMI-2-001", "Anne") not in pairs
    assert ("AMI-2-002", "Bruno") not in pairs
    assert run.summary["applications"] == 6
    assert run.summary["jurors"] == 4
    assert run.summary["assignments"] == 18
    assert (run.summary["min_load"], run.summary["max_load"]) == (4, 5)
    assert run.summary["created"] == 18
    assert run.summary["removed"] == 0
    event = AuditEvent.objects.get(verb="jury.assignment_run")
    assert event.actor == english_organiser
    assert event.after["state"] == "done"
    assert event.after["assignments"] == 18
    assert AuditEvent.objects.filter(verb="jury.assignment_started").count() == 1


def test_run_counts_only_admissible_applications(
    english_organiser, django_capture_on_commit_callbacks
):
    call = ReviewCallFactory(reviewers_per_application=2)
    make_applications(call, 2)
    make_applications(call, 1, start=3, state=ApplicationState.INADMISSIBLE)
    make_applications(call, 1, start=4, state=ApplicationState.SUBMITTED)
    make_applications(call, 1, start=5, state=ApplicationState.UNDER_REVIEW)
    make_jury(call, ["Anne", "Bruno"])

    run = _start(call, english_organiser, django_capture_on_commit_callbacks)

    assert run.state == RunState.DONE
    assert {reference for reference, _ in _pairs(call)} == {
        "AMI-2-001",
        "AMI-2-002",
        "AMI-2-005",
    }


def test_run_keeps_manual_and_scored_replaces_other_automatic(
    english_organiser, django_capture_on_commit_callbacks
):
    call = ReviewCallFactory(reviewers_per_application=1, phase=CallPhase.REVIEW)
    apps = make_applications(call, 4)
    anne, bruno = make_jury(call, ["Anne", "Bruno"])
    AssignmentFactory(
        membership=anne, application=apps[0], origin=AssignmentOrigin.MANUAL
    )
    make_sheet(AssignmentFactory(membership=anne, application=apps[1]))
    stale = AssignmentFactory(membership=anne, application=apps[2])

    run = _start(call, english_organiser, django_capture_on_commit_callbacks)

    assert run.state == RunState.DONE
    # Anne keeps her two; Bruno, the other half of the load, reads the rest.
    assert _pairs(call) == {
        ("AMI-2-001", "Anne"),
        ("AMI-2-002", "Anne"),
        ("AMI-2-003", "Bruno"),
        ("AMI-2-004", "Bruno"),
    }
    assert not Assignment.objects.filter(pk=stale.pk).exists()
    assert Assignment.objects.get(application=apps[0]).origin == AssignmentOrigin.MANUAL
    assert (run.summary["kept"], run.summary["created"], run.summary["removed"]) == (
        2,
        2,
        1,
    )


def test_run_honours_preferred_themes(
    english_organiser, django_capture_on_commit_callbacks
):
    call = ReviewCallFactory(reviewers_per_application=1)
    make_applications(call, 1, themes=["parking"])
    make_applications(call, 1, start=2, themes=["energy"])
    anne, bruno = make_jury(call, ["Anne", "Bruno"])
    anne.themes = ["energy"]
    anne.save()
    bruno.themes = ["parking", "mobility"]
    bruno.save()

    run = _start(call, english_organiser, django_capture_on_commit_callbacks)

    assert _pairs(call) == {("AMI-2-001", "Bruno"), ("AMI-2-002", "Anne")}
    assert run.summary["preference_matches"] == 2


def test_run_too_few_eligible_jurors_explained_and_plan_unchanged(
    english_organiser, django_capture_on_commit_callbacks
):
    call = ReviewCallFactory(reviewers_per_application=3)
    apps = make_applications(call, 3)
    apps[1].title = "Capteurs de bruit"
    apps[1].save()
    anne, bruno, chloe, david = make_jury(call, ["Anne", "Bruno", "Chloe", "David"])
    ConflictFactory(membership=anne, application=apps[1])
    ConflictFactory(membership=chloe, application=apps[1])
    kept = AssignmentFactory(membership=bruno, application=apps[0])

    run = _start(call, english_organiser, django_capture_on_commit_callbacks)

    assert run.state == RunState.FAILED
    assert run.problems == [
        "Application AMI-2-002 “Capteurs de bruit” has only 2 eligible jurors "
        "for 3: add a juror or lower the number of jurors per application."
    ]
    assert run.summary == {}
    assert list(Assignment.objects.filter(membership__call=call)) == [kept]
    event = AuditEvent.objects.get(verb="jury.assignment_run")
    assert event.after == {"state": "failed", "problems": run.problems}


def test_run_with_fewer_jurors_than_k_explained(
    english_organiser, django_capture_on_commit_callbacks
):
    call = ReviewCallFactory(reviewers_per_application=3)
    make_applications(call, 2)
    make_jury(call, ["Anne", "Bruno"])
    make_jury(call, ["Claire"], declared=False)

    run = _start(call, english_organiser, django_capture_on_commit_callbacks)

    assert run.state == RunState.FAILED
    assert run.problems == [
        "Each application needs 3 jurors but only 2 jurors have declared their "
        "interests: add jurors or lower the number of jurors per application.",
        "Claire has not declared their interests yet.",
    ]


def test_run_with_a_kept_conflicted_pair_explained(
    english_organiser, django_capture_on_commit_callbacks
):
    call = ReviewCallFactory(reviewers_per_application=1)
    apps = make_applications(call, 2)
    anne, _bruno = make_jury(call, ["Anne", "Bruno"])
    AssignmentFactory(
        membership=anne, application=apps[0], origin=AssignmentOrigin.MANUAL
    )
    ConflictFactory(membership=anne, application=apps[0])

    run = _start(call, english_organiser, django_capture_on_commit_callbacks)

    assert run.state == RunState.FAILED
    assert run.problems == [
        "Anne has a conflict of interest with application AMI-2-001 “Projet 1” "
        "but is kept on it (assigned by hand or already scored): remove this "
        "assignment."
    ]


def test_run_twice_is_harmless(english_organiser, django_capture_on_commit_callbacks):
    call = ReviewCallFactory(reviewers_per_application=1)
    make_applications(call, 2)
    make_jury(call, ["Anne", "Bruno"])
    run = _start(call, english_organiser, django_capture_on_commit_callbacks)
    pairs = _pairs(call)

    again = run_assignment(run)

    assert again.state == RunState.DONE
    assert _pairs(call) == pairs
    assert AuditEvent.objects.filter(verb="jury.assignment_run").count() == 1


@pytest.mark.parametrize(
    "phase", [CallPhase.SUBMISSION, CallPhase.DELIBERATION, CallPhase.RELEASED]
)
def test_start_refused_outside_admissibility_and_review(english_organiser, phase):
    call = ReviewCallFactory(phase=phase)

    with pytest.raises(AssignmentError) as error:
        start_assignment(call, actor=english_organiser)

    assert AssignmentRun.objects.count() == 0
    assert "admissibility check or the jury review" in error.value.messages[0]


def test_start_refused_while_a_run_is_under_way(english_organiser):
    call = ReviewCallFactory()
    AssignmentRun.objects.create(
        call=call, reviewers_per_application=3, state=RunState.RUNNING
    )

    with pytest.raises(AssignmentError) as error:
        start_assignment(call, actor=english_organiser)

    assert error.value.messages == [
        "An assignment run is already under way: wait for its result."
    ]


# --- By hand -------------------------------------------------------------------


@pytest.fixture
def planned(english_organiser):
    """4 applications, k = 1, Anne and Bruno each reading 2 (loads 2 to 2)."""
    call = ReviewCallFactory(reviewers_per_application=1)
    apps = make_applications(call, 4)
    anne, bruno = make_jury(call, ["Anne", "Bruno"])
    AssignmentFactory(membership=anne, application=apps[0])
    AssignmentFactory(membership=anne, application=apps[1])
    AssignmentFactory(membership=bruno, application=apps[2])
    return call, apps, anne, bruno


def test_add_assignment_by_hand_is_audited(planned, english_organiser):
    call, apps, anne, bruno = planned

    assignment = add_assignment(
        call, membership=bruno, application=apps[3], actor=english_organiser
    )

    assert assignment.origin == AssignmentOrigin.MANUAL
    assert assignment.created_by == english_organiser
    event = AuditEvent.objects.get(verb="jury.assignment_added")
    assert event.after == {
        "juror": "bruno@jury.example",
        "application": "AMI-2-004",
        "origin": "manual",
    }


def test_add_refused_over_the_load_rule_names_the_juror(planned, english_organiser):
    call, apps, anne, bruno = planned

    with pytest.raises(AssignmentError) as error:
        add_assignment(
            call, membership=anne, application=apps[3], actor=english_organiser
        )

    assert error.value.messages == [
        "Anne would read 3 applications, more than the 2 each juror may read so "
        "that loads stay within one of each other: remove one of their "
        "assignments first."
    ]


def test_add_refused_when_application_has_k(planned, english_organiser):
    call, apps, anne, bruno = planned

    with pytest.raises(AssignmentError) as error:
        add_assignment(
            call, membership=bruno, application=apps[0], actor=english_organiser
        )

    assert error.value.messages == [
        "Application AMI-2-001 “Projet 1” already has its 1 juror: remove them first."
    ]


def test_add_refused_for_duplicate(planned, english_organiser):
    call, apps, anne, bruno = planned

    with pytest.raises(AssignmentError) as error:
        add_assignment(
            call, membership=anne, application=apps[0], actor=english_organiser
        )

    assert error.value.messages == [
        "Anne is already assigned to application AMI-2-001 “Projet 1”."
    ]


def test_add_refused_for_conflicted_juror(planned, english_organiser):
    call, apps, anne, bruno = planned
    ConflictFactory(
        membership=bruno, application=apps[3], status=ConflictStatus.PENDING
    )

    with pytest.raises(AssignmentError) as error:
        add_assignment(
            call, membership=bruno, application=apps[3], actor=english_organiser
        )

    assert error.value.messages == [
        "Bruno has a conflict of interest with application AMI-2-004 “Projet 4”: "
        "they cannot read it."
    ]
    assert not AuditEvent.objects.filter(verb="jury.assignment_added").exists()


def test_add_allowed_after_a_dismissed_conflict(planned, english_organiser):
    call, apps, anne, bruno = planned
    ConflictFactory(
        membership=bruno, application=apps[3], status=ConflictStatus.DISMISSED
    )

    add_assignment(call, membership=bruno, application=apps[3], actor=english_organiser)

    assert ("AMI-2-004", "Bruno") in _pairs(call)


def test_add_refused_for_undeclared_juror(planned, english_organiser):
    call, apps, anne, bruno = planned
    (claire,) = make_jury(call, ["Claire"], declared=False)

    with pytest.raises(AssignmentError) as error:
        add_assignment(
            call, membership=claire, application=apps[3], actor=english_organiser
        )

    assert error.value.messages == ["Claire has not declared their interests yet."]


def test_remove_assignment_is_audited(planned, english_organiser):
    call, apps, anne, bruno = planned
    assignment = Assignment.objects.get(membership=anne, application=apps[0])

    remove_assignment(assignment, actor=english_organiser)

    assert ("AMI-2-001", "Anne") not in _pairs(call)
    event = AuditEvent.objects.get(verb="jury.assignment_removed")
    assert event.before == {
        "juror": "anne@jury.example",
        "application": "AMI-2-001",
        "origin": "automatic",
        "had_sheet": False,
    }


def test_remove_refused_once_scoring_started(planned, english_organiser):
    call, apps, anne, bruno = planned
    assignment = Assignment.objects.get(membership=anne, application=apps[0])
    make_sheet(assignment)

    with pytest.raises(AssignmentError) as error:
        remove_assignment(assignment, actor=english_organiser)

    assert error.value.messages == [
        "Anne has started scoring application AMI-2-001 “Projet 1”: the "
        "assignment stays."
    ]


def test_remove_allowed_with_a_sheet_when_conflicted(planned, english_organiser):
    call, apps, anne, bruno = planned
    assignment = Assignment.objects.get(membership=anne, application=apps[0])
    make_sheet(assignment, submitted=True)
    ConflictFactory(membership=anne, application=apps[0])

    remove_assignment(assignment, actor=english_organiser)

    assert ("AMI-2-001", "Anne") not in _pairs(call)


def test_changes_by_hand_refused_in_deliberation(planned, english_organiser):
    call, apps, anne, bruno = planned
    call.phase = CallPhase.DELIBERATION
    call.save()

    with pytest.raises(AssignmentError):
        add_assignment(
            call, membership=bruno, application=apps[3], actor=english_organiser
        )
    with pytest.raises(AssignmentError):
        remove_assignment(
            Assignment.objects.get(membership=anne, application=apps[0]),
            actor=english_organiser,
        )


def test_task_for_a_run_that_is_gone_does_nothing():
    from applications.jury.tasks_assignment import run_assignment_task

    assert run_assignment_task(run_id=999999) is None


def test_task_runs_a_queued_run(english_organiser):
    from applications.jury.tasks_assignment import run_assignment_task

    call = ReviewCallFactory(reviewers_per_application=1)
    make_applications(call, 2)
    make_jury(call, ["Anne", "Bruno"])
    run = AssignmentRun.objects.create(
        call=call, reviewers_per_application=1, requested_by=english_organiser
    )

    assert run_assignment_task(run_id=run.pk) == RunState.DONE
    assert run_assignment_task(run_id=run.pk) == RunState.DONE
    assert Assignment.objects.filter(membership__call=call).count() == 2


def test_run_failing_unexpectedly_is_marked_failed(english_organiser, monkeypatch):
    from applications.jury.services import solver

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(solver, "solve", broken)
    call = ReviewCallFactory(reviewers_per_application=1)
    make_applications(call, 2)
    make_jury(call, ["Anne", "Bruno"])
    run = AssignmentRun.objects.create(
        call=call, reviewers_per_application=1, requested_by=english_organiser
    )

    with pytest.raises(RuntimeError):
        run_assignment(run)

    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.problems == [
        "The assignment failed unexpectedly; the plan is unchanged."
    ]
    assert not Assignment.objects.filter(membership__call=call).exists()
