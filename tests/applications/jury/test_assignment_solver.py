"""The solver on its own (no database): random seeded instances meet every
constraint; impossible instances are explained with their figures."""

import random

import pytest

from applications.jury.services import solver
from applications.jury.services.solver import (
    InfeasibleAssignment,
    Problem,
    diagnose,
    load_bounds,
    solve,
)


def _random_instance(seed, applications, jurors, *, conflict_rate=0.05):
    rng = random.Random(seed)
    apps = [f"A{i:03d}" for i in range(applications)]
    people = [f"J{i:02d}" for i in range(jurors)]
    forbidden = {(a, j) for a in apps for j in people if rng.random() < conflict_rate}
    preferences = {(a, j): 1 for a in apps for j in people if rng.random() < 0.15}
    return apps, people, forbidden, preferences


def _assert_valid(solution, apps, people, k, forbidden, keep=()):
    per_application = {a: 0 for a in apps}
    for application, _ in solution.pairs:
        per_application[application] += 1
    assert set(per_application.values()) == {k}
    loads = [solution.loads[j] for j in people]
    assert sum(loads) == len(apps) * k
    assert max(loads) - min(loads) <= 1
    assert not solution.pairs & set(forbidden)
    assert set(keep) <= solution.pairs


@pytest.mark.parametrize(
    ("seed", "applications", "jurors", "k"),
    [
        (1, 40, 7, 3),
        (2, 41, 6, 3),
        (3, 25, 9, 2),
        (4, 60, 13, 4),
        (5, 10, 3, 3),
        (6, 7, 11, 1),
        (7, 300, 15, 3),
    ],
)
def test_random_instance_every_application_gets_k_loads_within_one(
    seed, applications, jurors, k
):
    apps, people, forbidden, preferences = _random_instance(
        seed, applications, jurors, conflict_rate=0.05 if jurors > k else 0
    )

    solution = solve(apps, people, k, forbidden=forbidden, preferences=preferences)

    _assert_valid(solution, apps, people, k, forbidden)


def test_loads_are_floor_and_ceiling_of_the_mean():
    apps = [f"A{i}" for i in range(10)]
    people = ["J1", "J2", "J3", "J4"]

    solution = solve(apps, people, 3)

    # 30 reviews over 4 jurors: two read 8 applications, two read 7.
    assert (solution.min_load, solution.max_load) == (7, 8)
    assert sorted(solution.loads.values()) == [7, 7, 8, 8]


def test_kept_pairs_stay_and_count_in_the_loads():
    apps, people, forbidden, _ = _random_instance(11, 30, 6)
    keep = {("A000", "J00"), ("A001", "J00"), ("A002", "J05")} - forbidden

    solution = solve(apps, people, 3, forbidden=forbidden, keep=keep)

    _assert_valid(solution, apps, people, 3, forbidden, keep)


def test_preferences_are_honoured_when_the_constraints_allow():
    apps = ["A1", "A2", "A3", "A4"]
    people = ["J1", "J2", "J3", "J4"]
    # Each application has exactly one preferred juror, a distinct one.
    preferences = {("A1", "J3"): 1, ("A2", "J4"): 1, ("A3", "J1"): 1, ("A4", "J2"): 1}

    solution = solve(apps, people, 1, preferences=preferences)

    assert solution.pairs == frozenset(preferences)
    assert solution.preference_matches == 4


def test_preferences_yield_to_the_load_rule():
    apps = ["A1", "A2", "A3", "A4"]
    people = ["J1", "J2"]
    # Everyone prefers J1, but J1 may read only 2 of the 4.
    preferences = {(a, "J1"): 1 for a in apps}

    solution = solve(apps, people, 1, preferences=preferences)

    assert solution.loads == {"J1": 2, "J2": 2}
    assert solution.preference_matches == 2


def test_no_application_gives_an_empty_plan():
    solution = solve([], ["J1", "J2"], 3)

    assert solution.pairs == frozenset()
    assert solution.loads == {"J1": 0, "J2": 0}


def test_application_with_too_few_eligible_jurors_is_explained():
    apps = ["A1", "A2", "A3"]
    people = ["J1", "J2", "J3", "J4"]
    forbidden = {("A2", "J1"), ("A2", "J3")}

    with pytest.raises(InfeasibleAssignment) as error:
        solve(apps, people, 3, forbidden=forbidden)

    assert error.value.problems == [
        Problem(solver.TOO_FEW_ELIGIBLE, {"application": "A2", "eligible": 2, "k": 3})
    ]


def test_k_greater_than_the_jurors_is_explained():
    with pytest.raises(InfeasibleAssignment) as error:
        solve(["A1", "A2"], ["J1", "J2"], 3)

    assert error.value.problems == [
        Problem(solver.K_EXCEEDS_JURORS, {"k": 3, "jurors": 2})
    ]


def test_no_juror_is_explained():
    assert diagnose(["A1"], [], 3) == [Problem(solver.NO_JUROR)]


def test_juror_eligible_for_fewer_than_the_lowest_load_is_explained():
    apps = [f"A{i}" for i in range(6)]
    people = ["J1", "J2", "J3"]
    # 6 × 2 = 12 reviews over 3 jurors: each must read exactly 4.
    forbidden = {(a, "J3") for a in apps[:3]}

    with pytest.raises(InfeasibleAssignment) as error:
        solve(apps, people, 2, forbidden=forbidden)

    assert error.value.problems == [
        Problem(
            solver.JUROR_TOO_FEW_ELIGIBLE,
            {"juror": "J3", "eligible": 3, "min_load": 4},
        )
    ]


def test_kept_pairs_breaking_the_rules_are_explained():
    apps = ["A1", "A2", "A3"]
    people = ["J1", "J2", "J3"]
    keep = {("A1", "J1"), ("A2", "J1"), ("A3", "J1"), ("A1", "J2")}

    problems = diagnose(apps, people, 1, forbidden={("A1", "J2")}, keep=keep)

    assert problems == [
        Problem(solver.KEPT_CONFLICTED, {"application": "A1", "juror": "J2"}),
        Problem(solver.KEPT_EXCEEDS_K, {"application": "A1", "kept": 2, "k": 1}),
        Problem(solver.KEPT_EXCEEDS_LOAD, {"juror": "J1", "kept": 3, "max_load": 1}),
    ]


def test_infeasible_only_for_the_solver_says_so_with_figures():
    # Every application and every juror passes the simple checks, but three
    # applications can only be read by J1 or J2, who read one each (Hall).
    apps = ["A1", "A2", "A3", "A4"]
    people = ["J1", "J2", "J3", "J4"]
    forbidden = {(a, j) for a in ("A1", "A2", "A3") for j in ("J3", "J4")}

    with pytest.raises(InfeasibleAssignment) as error:
        solve(apps, people, 1, forbidden=forbidden)

    assert error.value.problems == [
        Problem(
            solver.SOLVER_INFEASIBLE,
            {
                "applications": 4,
                "jurors": 4,
                "k": 1,
                "total": 4,
                "min_load": 1,
                "max_load": 1,
                "conflicts": 6,
                "kept": 0,
            },
        )
    ]


@pytest.mark.parametrize("seed", range(20))
def test_random_infeasible_instances_never_give_a_plan(seed):
    """Dense conflicts: either a valid plan, or an explanation, never a bad plan."""
    rng = random.Random(seed)
    apps, people, forbidden, preferences = _random_instance(
        seed, rng.randint(3, 15), rng.randint(2, 6), conflict_rate=0.4
    )
    k = rng.randint(1, 3)

    try:
        solution = solve(apps, people, k, forbidden=forbidden, preferences=preferences)
    except InfeasibleAssignment as error:
        assert error.problems
        assert all(isinstance(p, Problem) for p in error.problems)
    else:
        _assert_valid(solution, apps, people, k, forbidden)


def test_load_bounds():
    assert load_bounds(range(10), range(4), 3) == (7, 8)
    assert load_bounds(range(300), range(15), 3) == (60, 60)
    assert load_bounds(range(5), [], 3) == (0, 0)


def test_current_pairs_stay_when_nothing_better_is_possible():
    apps = ["A1", "A2", "A3", "A4"]
    people = ["J1", "J2"]
    current = {("A1", "J2"), ("A2", "J2"), ("A3", "J1"), ("A4", "J1")}

    solution = solve(apps, people, 1, stay_if_possible=current)

    assert solution.pairs == frozenset(current)


def test_preferences_outweigh_current_pairs():
    apps = ["A1", "A2"]
    people = ["J1", "J2"]
    current = {("A1", "J1"), ("A2", "J2")}
    preferences = {("A1", "J2"): 1}

    solution = solve(apps, people, 1, preferences=preferences, stay_if_possible=current)

    assert solution.pairs == frozenset({("A1", "J2"), ("A2", "J1")})
    assert solution.preference_matches == 1
