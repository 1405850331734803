"""The exact balanced assignment of jurors to applications (no Django here).

Each application gets exactly ``k`` jurors; each juror's load lies between
floor(total / J) and ceil(total / J), so loads differ by at most one; no
juror is paired with an application they are conflicted with; the pairs to
keep (made by hand, or already scored) stay; among the plans meeting all of
this, one with the most preference matches is chosen.

The constraint matrix is the incidence matrix of a bipartite graph, which is
totally unimodular: with integer bounds, every vertex of the polytope is
integral, so the linear programme solved by HiGHS' simplex gives a 0/1 plan.
The solution is checked for integrality and against every constraint before
it is returned; a plan that fails the check is never returned.

Before solving, the obvious reasons for infeasibility are diagnosed with
their figures (:class:`Problem`); when only the solver can tell, it says so
with the figures too. The caller turns problems into words.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack

# Problem codes, with the figures each one carries.
NO_JUROR = "no_juror"  # {}
K_EXCEEDS_JURORS = "k_exceeds_jurors"  # {k, jurors}
TOO_FEW_ELIGIBLE = "too_few_eligible"  # {application, eligible, k}
JUROR_TOO_FEW_ELIGIBLE = "juror_too_few_eligible"  # {juror, eligible, min_load}
KEPT_CONFLICTED = "kept_conflicted"  # {application, juror}
KEPT_EXCEEDS_K = "kept_exceeds_k"  # {application, kept, k}
KEPT_EXCEEDS_LOAD = "kept_exceeds_load"  # {juror, kept, max_load}
SOLVER_INFEASIBLE = "solver_infeasible"  # {applications, jurors, k, total, ...}

_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Problem:
    """One reason why the constraints cannot all be met, with its figures."""

    code: str
    figures: dict = field(default_factory=dict)


class InfeasibleAssignment(Exception):  # noqa: N818 (a domain outcome, not a bug)
    """No plan meets every constraint; ``problems`` says which and by how much."""

    def __init__(self, problems):
        super().__init__(", ".join(problem.code for problem in problems))
        self.problems = list(problems)


class SolverError(Exception):
    """The solver returned something that is not a valid plan (a bug)."""


@dataclass(frozen=True)
class Solution:
    pairs: frozenset  # {(application, juror), ...}, the kept pairs included
    loads: dict  # {juror: number of applications}
    min_load: int
    max_load: int
    preference_matches: int
    seconds: float


def load_bounds(applications, jurors, k):
    """Return (lowest, highest) load of a juror in a balanced plan."""
    if not jurors:
        return 0, 0
    total = len(applications) * k
    return total // len(jurors), math.ceil(total / len(jurors))


def diagnose(applications, jurors, k, *, forbidden=(), keep=()):
    """Return the problems that make the assignment impossible, found before
    solving (an empty list does not prove that a plan exists)."""
    applications = list(applications)
    jurors = list(jurors)
    forbidden = set(forbidden)
    keep = set(keep)
    if not applications:
        return []
    if not jurors:
        return [Problem(NO_JUROR)]
    if k > len(jurors):
        # Every other figure would only repeat this one.
        return [Problem(K_EXCEEDS_JURORS, {"k": k, "jurors": len(jurors)})]
    problems = []
    low, high = load_bounds(applications, jurors, k)
    for application, juror in sorted(keep & forbidden, key=repr):
        problems.append(
            Problem(KEPT_CONFLICTED, {"application": application, "juror": juror})
        )
    kept_per_application = {a: 0 for a in applications}
    kept_per_juror = {j: 0 for j in jurors}
    for application, juror in keep:
        kept_per_application[application] += 1
        kept_per_juror[juror] += 1
    eligible_per_application = {a: 0 for a in applications}
    eligible_per_juror = {j: 0 for j in jurors}
    for application in applications:
        for juror in jurors:
            if (application, juror) not in forbidden:
                eligible_per_application[application] += 1
                eligible_per_juror[juror] += 1
    for application in applications:
        eligible = eligible_per_application[application]
        if eligible < k:
            problems.append(
                Problem(
                    TOO_FEW_ELIGIBLE,
                    {"application": application, "eligible": eligible, "k": k},
                )
            )
    for application in applications:
        if kept_per_application[application] > k:
            problems.append(
                Problem(
                    KEPT_EXCEEDS_K,
                    {
                        "application": application,
                        "kept": kept_per_application[application],
                        "k": k,
                    },
                )
            )
    for juror in jurors:
        if eligible_per_juror[juror] < low:
            problems.append(
                Problem(
                    JUROR_TOO_FEW_ELIGIBLE,
                    {
                        "juror": juror,
                        "eligible": eligible_per_juror[juror],
                        "min_load": low,
                    },
                )
            )
        if kept_per_juror[juror] > high:
            problems.append(
                Problem(
                    KEPT_EXCEEDS_LOAD,
                    {"juror": juror, "kept": kept_per_juror[juror], "max_load": high},
                )
            )
    return problems


def solve(
    applications,
    jurors,
    k,
    *,
    forbidden=(),
    keep=(),
    preferences=None,
    stay_if_possible=(),
):
    """Return the balanced plan (:class:`Solution`) with the most preference
    matches and, among those, the most pairs of ``stay_if_possible``.

    ``forbidden``, ``keep`` and ``stay_if_possible`` are sets of
    (application, juror) pairs; ``preferences`` maps a pair to its bonus (a
    pair absent scores 0). Raise
    :class:`InfeasibleAssignment` with the problems when no plan exists, and
    :class:`SolverError` if the solver's answer fails the final check.
    """
    started = time.perf_counter()
    applications = list(dict.fromkeys(applications))
    jurors = list(dict.fromkeys(jurors))
    forbidden = set(forbidden)
    keep = set(keep)
    preferences = preferences or {}
    unknown = {
        pair for pair in keep if pair[0] not in applications or pair[1] not in jurors
    }
    if unknown:
        raise ValueError(f"pairs to keep outside the instance: {sorted(unknown)}")

    problems = diagnose(applications, jurors, k, forbidden=forbidden, keep=keep)
    if problems:
        raise InfeasibleAssignment(problems)
    low, high = load_bounds(applications, jurors, k)
    if not applications:
        return Solution(frozenset(), {j: 0 for j in jurors}, 0, 0, 0, 0.0)

    # One variable per eligible pair.
    app_index = {a: i for i, a in enumerate(applications)}
    juror_index = {j: i for i, j in enumerate(jurors)}
    pairs = [(a, j) for a in applications for j in jurors if (a, j) not in forbidden]
    n = len(pairs)
    rows_a = np.fromiter((app_index[a] for a, _ in pairs), dtype=np.int64, count=n)
    rows_j = np.fromiter((juror_index[j] for _, j in pairs), dtype=np.int64, count=n)
    columns = np.arange(n, dtype=np.int64)
    n_a, n_j = len(applications), len(jurors)
    matrix = csr_array(
        (
            np.ones(2 * n),
            (np.concatenate([rows_a, n_a + rows_j]), np.concatenate([columns] * 2)),
        ),
        shape=(n_a + n_j, n),
    )
    row_low = np.concatenate([np.full(n_a, k), np.full(n_j, low)]).astype(float)
    row_high = np.concatenate([np.full(n_a, k), np.full(n_j, high)]).astype(float)
    lower = np.fromiter(
        (1.0 if pair in keep else 0.0 for pair in pairs), dtype=float, count=n
    )
    upper = np.ones(n)
    # A preference outweighs every pair that could stay: the plan keeps the
    # current pairs only among the plans with the most preference matches.
    stay = set(stay_if_possible)
    scale = float(len(stay) + 1)
    bonus = np.fromiter(
        (
            scale * float(preferences.get(pair, 0)) + (1.0 if pair in stay else 0.0)
            for pair in pairs
        ),
        dtype=float,
        count=n,
    )

    # linprog wants A_ub x <= b_ub and A_eq x = b_eq.
    a_eq = matrix[:n_a]
    a_jurors = matrix[n_a:]
    result = linprog(
        -bonus,
        A_ub=vstack([a_jurors, -a_jurors]),
        b_ub=np.concatenate([row_high[n_a:], -row_low[n_a:]]),
        A_eq=a_eq,
        b_eq=row_low[:n_a],
        bounds=np.column_stack([lower, upper]),
        method="highs-ds",
        # The system is a plain network: presolve finds nothing to remove and
        # costs more than the solve (2.8 s against 1.1 s on 2,000 × 60).
        options={"presolve": False},
    )
    if result.status == 2:
        raise InfeasibleAssignment(
            [_solver_infeasible(applications, jurors, k, forbidden, keep)]
        )
    if result.status != 0:
        raise SolverError(f"HiGHS stopped: {result.message}")
    x = result.x
    if np.max(np.abs(x - np.round(x))) > _TOLERANCE:
        # Cannot happen on a totally unimodular system; solve as an integer
        # programme rather than round a fractional plan.
        integral = milp(
            -bonus,
            constraints=LinearConstraint(matrix, row_low, row_high),
            bounds=Bounds(lower, upper),
            integrality=np.ones(n),
            options={"presolve": False},
        )
        if integral.status != 0 or integral.x is None:
            raise SolverError(f"HiGHS found no integral plan: {integral.message}")
        x = integral.x
        if np.max(np.abs(x - np.round(x))) > _TOLERANCE:
            raise SolverError("the plan is not integral")
    chosen = frozenset(
        pair for pair, value in zip(pairs, np.round(x), strict=True) if value == 1
    )
    solution = Solution(
        pairs=chosen,
        loads=_loads(chosen, jurors),
        min_load=low,
        max_load=high,
        preference_matches=sum(1 for pair in chosen if preferences.get(pair, 0) > 0),
        seconds=time.perf_counter() - started,
    )
    violations = check(
        solution, applications, jurors, k, forbidden=forbidden, keep=keep
    )
    if violations:
        raise SolverError("; ".join(violations))
    return solution


def _loads(pairs, jurors):
    loads = {juror: 0 for juror in jurors}
    for _, juror in pairs:
        loads[juror] += 1
    return loads


def _solver_infeasible(applications, jurors, k, forbidden, keep):
    low, high = load_bounds(applications, jurors, k)
    return Problem(
        SOLVER_INFEASIBLE,
        {
            "applications": len(applications),
            "jurors": len(jurors),
            "k": k,
            "total": len(applications) * k,
            "min_load": low,
            "max_load": high,
            "conflicts": len(forbidden),
            "kept": len(keep),
        },
    )


def check(solution, applications, jurors, k, *, forbidden=(), keep=()):
    """Return the constraints ``solution`` breaks, in words (empty if none)."""
    violations = []
    per_application = {a: 0 for a in applications}
    for application, juror in solution.pairs:
        if application not in per_application or juror not in solution.loads:
            violations.append(f"pair outside the instance: {application}, {juror}")
            continue
        per_application[application] += 1
    violations += [
        f"application {a} has {count} jurors, not {k}"
        for a, count in per_application.items()
        if count != k
    ]
    low, high = load_bounds(applications, jurors, k)
    loads = _loads((p for p in solution.pairs if p[1] in solution.loads), jurors)
    violations += [
        f"juror {j} has {load} applications, not between {low} and {high}"
        for j, load in loads.items()
        if not low <= load <= high
    ]
    violations += [
        f"conflicted pair {pair}" for pair in solution.pairs & set(forbidden)
    ]
    violations += [f"kept pair dropped {pair}" for pair in set(keep) - solution.pairs]
    return violations
