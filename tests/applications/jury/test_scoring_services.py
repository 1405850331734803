"""record_scores and the sheet's weighted score."""

from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import translation

from applications.enums import CallPhase
from applications.jury.models import Grid, Score, ScoreSheet
from applications.jury.services.scoring import (
    ScoringError,
    StaleSheetError,
    record_scores,
    sheet_weighted_score,
)
from portal.audit.models import AuditEvent

from .factories_scoring import (
    assign,
    conflict,
    declared_juror,
    deposited_application,
    review_call,
)

COMPLETE = {
    "usefulness": {"value": 4, "not_applicable": False, "comment": "Utile."},
    "innovation": {"value": None, "not_applicable": True, "comment": ""},
    "data-use": {"value": 5, "not_applicable": False, "comment": ""},
}


@pytest.fixture
def setting(db):
    call = review_call()
    membership = declared_juror(call)
    application = deposited_application(call)
    return call, membership, assign(membership, application)


def test_weighted_score_leaves_not_applicable_out(setting):
    _call, membership, assignment = setting
    result = record_scores(
        assignment, juror=membership.user, scores=COMPLETE, overall_comment=""
    )
    sheet = ScoreSheet.objects.prefetch_related("scores__criterion").get(
        pk=result.sheet.pk
    )
    # (20 × 4/5 + 30 × 5/10) / (20 + 30) × 100 = (16 + 15) / 50 × 100.
    # Counted as zero, "not applicable" would give 31 / 60 × 100 = 51.67.
    assert sheet_weighted_score(sheet) == Decimal("62.00")


def test_first_score_locks_the_grid_and_creates_one_sheet(setting):
    call, membership, assignment = setting
    grid = Grid.objects.get(call=call)
    assert grid.locked_at is None
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": 3}},
        overall_comment="Bon début.",
    )
    grid.refresh_from_db()
    assert grid.locked_at is not None
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert (sheet.version, sheet.overall_comment, sheet.submitted_at) == (
        1,
        "Bon début.",
        None,
    )
    assert list(sheet.scores.values_list("criterion__key", "value")) == [
        ("usefulness", 3)
    ]
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="jury.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["jury.grid_locked", "jury.scores_recorded"]


def test_comment_alone_does_not_lock_the_grid(setting):
    call, membership, assignment = setting
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": None, "comment": "À relire."}},
        overall_comment="",
    )
    assert Grid.objects.get(call=call).locked_at is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"value": 6}, "A score is between 0 and 5."),
        ({"value": -1}, "A score is between 0 and 5."),
        ({"value": "4.5"}, "Malformed score."),
        ({"value": 10**30}, "A score is between 0 and 5."),
        ({"value": True}, "Malformed score."),
        (
            {"value": 2, "not_applicable": True},
            "Give a score or mark the criterion not applicable, not both.",
        ),
        ({"value": 2, "not_applicable": "yes"}, "Malformed score."),
        ("4", "Malformed score."),
    ],
)
def test_wrong_values_refused_and_nothing_saved(setting, entry, message):
    translation.activate("en")
    _call, membership, assignment = setting
    with pytest.raises(ScoringError) as caught:
        record_scores(
            assignment,
            juror=membership.user,
            scores={"innovation": entry},
            overall_comment="",
        )
    assert caught.value.message_dict == {"innovation": [message]}
    assert not ScoreSheet.objects.exists()


def test_submit_requires_every_criterion(setting):
    _call, membership, assignment = setting
    with pytest.raises(ScoringError) as caught:
        record_scores(
            assignment,
            juror=membership.user,
            scores={"usefulness": {"value": 4}, "innovation": {"not_applicable": True}},
            overall_comment="",
            submit=True,
        )
    assert list(caught.value.message_dict) == ["data-use"]
    assert not ScoreSheet.objects.exists()

    result = record_scores(
        assignment,
        juror=membership.user,
        scores=COMPLETE,
        overall_comment="",
        submit=True,
    )
    assert result.submitted_now is True
    assert result.sheet.submitted_at is not None
    assert AuditEvent.objects.filter(verb="jury.sheet_submitted").get().after == {
        "weighted_score": "62.00"
    }


def test_scores_change_after_submission_while_review_lasts(setting):
    _call, membership, assignment = setting
    record_scores(
        assignment,
        juror=membership.user,
        scores=COMPLETE,
        overall_comment="",
        submit=True,
    )
    result = record_scores(
        assignment,
        juror=membership.user,
        scores={"data-use": {"value": 9}},
        overall_comment="",
        base_version=1,
    )
    assert result.sheet.version == 2
    assert result.sheet.is_submitted
    assert Score.objects.get(criterion__key="data-use").value == 9
    # A submitted sheet stays complete.
    with pytest.raises(ScoringError):
        record_scores(
            assignment,
            juror=membership.user,
            scores={"data-use": {"value": None}},
            overall_comment="",
        )


def test_stale_version_refused(setting):
    _call, membership, assignment = setting
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": 1}},
        overall_comment="",
    )
    record_scores(
        assignment,
        juror=membership.user,
        scores={"usefulness": {"value": 2}},
        overall_comment="",
        base_version=1,
    )
    with pytest.raises(StaleSheetError) as caught:
        record_scores(
            assignment,
            juror=membership.user,
            scores={"usefulness": {"value": 5}},
            overall_comment="",
            base_version=1,
        )
    assert caught.value.version == 2
    assert Score.objects.get().value == 2


@pytest.mark.parametrize("case", ["conflicted", "deliberation", "other_juror"])
def test_who_may_not_score(setting, case):
    call, membership, assignment = setting
    juror = membership.user
    if case == "conflicted":
        conflict(membership, assignment.application)
    elif case == "deliberation":
        call.phase = CallPhase.DELIBERATION
        call.save(update_fields=["phase"])
    else:
        juror = declared_juror(call, email="autre@example.org").user
    with pytest.raises(ScoringError):
        record_scores(assignment, juror=juror, scores=COMPLETE, overall_comment="")
    assert not ScoreSheet.objects.exists()


def test_one_sheet_per_assignment_in_the_database(setting):
    call, _membership, assignment = setting
    grid = Grid.objects.get(call=call)
    ScoreSheet.objects.create(assignment=assignment, grid=grid)
    with pytest.raises(IntegrityError):
        ScoreSheet.objects.create(assignment=assignment, grid=grid)
