"""The ranking: weighted scores, spread, per-juror normalisation, sorting."""

import pytest

from applications.enums import ApplicationState, CallPhase
from applications.jury.calculations import (
    median,
    spread,
    standard_deviation,
    standardise,
)
from applications.jury.enums import ConflictSource, ConflictStatus
from applications.jury.models import Conflict
from applications.jury.selectors.ranking import ranking_for_call

from .factories_deliberation import (
    assign,
    make_application,
    make_call,
    make_grid,
    make_juror,
    make_sheet,
)

# --- The pure arithmetic ------------------------------------------------------------


def test_standardise_hand_computed():
    # μ = 60, σ = √((15² + 5² + 0 + 5² + 15²) / 5) = √100 = 10
    z = standardise({"a": 75, "b": 65, "c": 60, "d": 55, "e": 45})

    assert z == {"a": 1.5, "b": 0.5, "c": 0.0, "d": -0.5, "e": -1.5}


def test_standardise_needs_five_sheets():
    assert standardise({"a": 75, "b": 65, "c": 60, "d": 55}) is None


def test_standardise_same_score_everywhere_gives_zero():
    z = standardise({"a": 80, "b": 80, "c": 80, "d": 80, "e": 80})

    assert z == {"a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0, "e": 0.0}


def test_median_spread_and_deviation():
    assert median([75, 50, 100, 80]) == 77.5
    assert median([65, 70, 80]) == 70
    assert spread([75, 50, 100, 80]) == 50
    assert standard_deviation([60, 40, 80]) == pytest.approx(16.32993161855452)
    assert median([]) is None and spread([]) is None


# --- The ranking of a call ----------------------------------------------------------


@pytest.fixture
def jury(db):
    """Six applications, five jurors, one criterion on 0-20 (score × 5 = weighted).

    Lenient J1 and severe J2 each score A1-A5 with σ = 10 and 20; J4 gives 80
    everywhere (σ = 0); J3 submitted only two sheets (and has a draft); J5 is
    conflicted with A6 (confirmed after scoring).
    """
    call = make_call(phase=CallPhase.DELIBERATION)
    grid = make_grid(call)
    apps = [
        make_application(call, reference=f"AMI-{n}", title=f"Projet {n}")
        for n in range(1, 7)
    ]
    inadmissible = make_application(
        call, state=ApplicationState.INADMISSIBLE, reference="AMI-9"
    )
    j1 = make_juror(call, "Alice Lenoir", organisation="Paris&Co")
    j2 = make_juror(call, "Bruno Sevère", organisation="Upciti")
    j3 = make_juror(call, "Chloé Tardive")
    j4 = make_juror(call, "David Constant")
    j5 = make_juror(call, "Emma Liée")
    for application, value in zip(apps[:5], [15, 13, 12, 11, 9], strict=True):
        make_sheet(j1, application, grid, [value])  # 75 65 60 55 45
    for application, value in zip(apps[:5], [10, 14, 8, 2, 6], strict=True):
        make_sheet(j2, application, grid, [value])  # 50 70 40 10 30
    for application in apps[:5]:
        make_sheet(j4, application, grid, [16])  # 80
    make_sheet(j3, apps[0], grid, [20])  # 100
    make_sheet(j3, apps[5], grid, [4])  # 20
    make_sheet(j3, apps[1], grid, [1], submitted=False)  # a draft: not counted
    make_sheet(j5, apps[5], grid, [20])
    Conflict.objects.create(
        membership=j5,
        application=apps[5],
        source=ConflictSource.DECLARED,
        status=ConflictStatus.CONFIRMED,
    )
    make_sheet(j1, inadmissible, grid, [20])
    return call


def _by_reference(ranking):
    return {row.reference: row for row in ranking.rows}


def test_ranking_figures_hand_computed(jury):
    rows = _by_reference(ranking_for_call(jury))

    assert sorted(rows) == ["AMI-1", "AMI-2", "AMI-3", "AMI-4", "AMI-5", "AMI-6"]
    a1 = rows["AMI-1"]
    assert sorted(a1.scores) == [50.0, 75.0, 80.0, 100.0]
    assert a1.mean == 76.25
    assert a1.median == 77.5
    assert a1.spread == 50.0
    assert a1.deviation == pytest.approx(17.80975856096876)
    # J1 z = 1.5, J2 z = 0.5, J4 z = 0 (σ = 0); J3 has too few sheets.
    assert a1.normalised == pytest.approx(2 / 3)
    assert (a1.received, a1.assigned) == (4, 4)
    assert rows["AMI-2"].normalised == pytest.approx(2 / 3)  # 0.5, 1.5, 0
    assert rows["AMI-3"].normalised == 0.0
    assert rows["AMI-4"].normalised == pytest.approx(-2 / 3)  # -0.5, -1.5, 0
    assert rows["AMI-5"].normalised == pytest.approx(-2 / 3)  # -1.5, -0.5, 0
    assert (rows["AMI-2"].received, rows["AMI-2"].assigned) == (3, 4)
    # A6: J3's 20 only; J5's sheet is out (conflict), so is J5's assignment.
    a6 = rows["AMI-6"]
    assert (a6.scores, a6.normalised, a6.received, a6.assigned) == ([20.0], None, 1, 1)


def test_ranking_names_jurors_with_too_few_sheets(jury):
    ranking = ranking_for_call(jury)

    assert [juror.name for juror in ranking.jurors_with_too_few] == [
        "Chloé Tardive",
        "Emma Liée",
    ]
    severity = {juror.name: (juror.sheets, juror.mean) for juror in ranking.jurors}
    assert severity == {
        "Alice Lenoir": (5, 60.0),
        "Bruno Sevère": (5, 40.0),
        "Chloé Tardive": (2, 60.0),
        "David Constant": (5, 80.0),
        "Emma Liée": (0, None),
    }


def test_ranking_flags_disagreement_of_forty_points(jury):
    ranking = ranking_for_call(jury)

    # Spreads: A1 50, A2 15, A3 40, A4 70, A5 50, A6 0; by mean, highest first.
    assert [row.reference for row in ranking.to_discuss] == [
        "AMI-1",
        "AMI-3",
        "AMI-5",
        "AMI-4",
    ]
    assert [row.reference for row in ranking.others] == ["AMI-2", "AMI-6"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-mean", ["AMI-1", "AMI-2", "AMI-3", "AMI-5", "AMI-4", "AMI-6"]),
        ("mean", ["AMI-6", "AMI-4", "AMI-5", "AMI-3", "AMI-2", "AMI-1"]),
        ("-normalised", ["AMI-1", "AMI-2", "AMI-3", "AMI-4", "AMI-5", "AMI-6"]),
        ("normalised", ["AMI-4", "AMI-5", "AMI-3", "AMI-1", "AMI-2", "AMI-6"]),
        ("-spread", ["AMI-4", "AMI-1", "AMI-5", "AMI-3", "AMI-2", "AMI-6"]),
        ("-sheets", ["AMI-1", "AMI-2", "AMI-3", "AMI-4", "AMI-5", "AMI-6"]),
        ("-reference", ["AMI-6", "AMI-5", "AMI-4", "AMI-3", "AMI-2", "AMI-1"]),
        ("'; drop table", ["AMI-1", "AMI-2", "AMI-3", "AMI-5", "AMI-4", "AMI-6"]),
        ("--mean", ["AMI-1", "AMI-2", "AMI-3", "AMI-5", "AMI-4", "AMI-6"]),
    ],
)
def test_ranking_sorts_on_whitelisted_keys(jury, sort, expected):
    ranking = ranking_for_call(jury, sort=sort)

    assert [row.reference for row in ranking.rows] == expected


def test_ranking_without_sheets_is_empty_figures(db):
    call = make_call()
    make_grid(call)
    application = make_application(call, reference="AMI-1")
    assign(make_juror(call, "Alice Lenoir"), application)

    (row,) = ranking_for_call(call).rows

    assert (row.mean, row.median, row.spread, row.normalised) == (None,) * 4
    assert (row.received, row.assigned, row.to_discuss) == (0, 1, False)
