"""The exact balanced assignment of jurors: solve times on random instances.

    .venv/bin/python bench/jury_assignment.py [--repeat 3] [--seed 2026]

For each size (300 applications × 15 jurors × k = 3, and 2,000 × 60 × 3),
draws a random instance with 5 % of the (application, juror) pairs in
conflict and 15 % of them matching a preferred theme, solves it with the
portal's solver (``applications.jury.services.solver``, HiGHS) ``--repeat``
times, prints the median solve time and checks the plan: every application
has k jurors, loads differ by at most one, no conflicted pair. Targets: under
1 s and a few seconds (5 s). Exit status 1 when a plan breaks a constraint,
or with ``--strict`` when a target is missed. No database is needed.
"""

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from applications.jury.services import solver  # noqa: E402

SIZES = [
    # (applications, jurors, k, target in seconds)
    (300, 15, 3, 1.0),
    (2000, 60, 3, 5.0),
]
CONFLICT_RATE = 0.05
PREFERENCE_RATE = 0.15


def instance(applications, jurors, *, seed):
    rng = random.Random(seed)
    apps = list(range(1, applications + 1))
    people = list(range(1, jurors + 1))
    forbidden = set()
    preferences = {}
    for application in apps:
        for juror in people:
            draw = rng.random()
            if draw < CONFLICT_RATE:
                forbidden.add((application, juror))
            elif draw < CONFLICT_RATE + PREFERENCE_RATE:
                preferences[(application, juror)] = 1
    return apps, people, forbidden, preferences


def measure(applications, jurors, k, *, seed, repeat):
    apps, people, forbidden, preferences = instance(applications, jurors, seed=seed)
    times = []
    solution = None
    for _ in range(repeat):
        started = time.perf_counter()
        solution = solver.solve(
            apps, people, k, forbidden=forbidden, preferences=preferences
        )
        times.append(time.perf_counter() - started)
    violations = solver.check(solution, apps, people, k, forbidden=forbidden)
    loads = solution.loads.values()
    return {
        "median": statistics.median(times),
        "times": times,
        "conflicts": len(forbidden),
        "assignments": len(solution.pairs),
        "loads": (min(loads), max(loads)),
        "matches": solution.preference_matches,
        "violations": violations,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)

    import numpy
    import scipy

    print(
        f"== Jury assignment (Python {platform.python_version()}, SciPy "
        f"{scipy.__version__}, NumPy {numpy.__version__}, HiGHS dual simplex)"
    )
    broken = missed = False
    for applications, jurors, k, target in SIZES:
        result = measure(applications, jurors, k, seed=args.seed, repeat=args.repeat)
        ok = result["median"] < target
        low, high = result["loads"]
        print(
            f"  {applications:>5} applications x {jurors:>3} jurors x k={k}: "
            f"median {result['median'] * 1000:8.1f} ms of "
            f"{', '.join(f'{t * 1000:.0f}' for t in result['times'])} ms "
            f"({'PASS' if ok else 'FAIL'}, target < {target:g} s)"
        )
        print(
            f"        {result['conflicts']} conflicts, {result['assignments']} "
            f"assignments, loads {low}-{high}, {result['matches']} on a preferred "
            f"theme; constraints: "
            + (
                "all met"
                if not result["violations"]
                else "; ".join(result["violations"][:5])
            )
        )
        broken = broken or bool(result["violations"])
        missed = missed or not ok
    if broken or (args.strict and missed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
