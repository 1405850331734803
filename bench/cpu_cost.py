"""Issue 14: the CPU an uncached readings request costs, whatever the machine's load.

    BENCH_DATABASE_URL=... .venv/bin/python bench/cpu_cost.py [--requests 200]

On a shared machine, latencies and throughputs measure the other tenants as
much as the code. CPU time does not: this script sends, in process (Django's
test client, the bench settings, no HTTP server), ``--requests`` distinct
uncached requests of each kind (the kinds of ``run_all.py``'s mixed workload,
with the bench API key) and the bare view, and reports per request the CPU
time of this Python process and of its PostgreSQL backend (``/proc``), and
the wall time. The sum of the two CPU times is what a request costs the
machine (Redis's share and gunicorn's HTTP parsing excepted, about the same
for every request); ``bare CPU / request CPU`` estimates the throughput ratio
of a CPU-bound server.

The script only reads: it runs the same on an older tree of the portal (for
a before/after comparison, same database).
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year  # noqa: E402


def backend_cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


DAYS = 330


def paths(kind, count, rng, pedestrians, streets):
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(DAYS)]
    seen = set()
    while len(seen) < count:
        day = rng.choice(days)
        if kind == "a":
            path = (
                f"/api/v1/readings/?sensor={rng.choice(pedestrians)}"
                f"&metric=pedestrians_in&start={day}&end={day + timedelta(days=1)}"
                "&interval=15min"
            )
        elif kind == "b":
            day -= timedelta(days=day.weekday())
            path = (
                f"/api/v1/readings/?street={rng.choice(streets)}"
                "&dataset=pedestrian-flows&metric=pedestrians_in"
                f"&start={day}&end={day + timedelta(days=7)}&interval=hour&agg=avg"
            )
        elif kind == "c":
            path = (
                "/api/v1/readings/?dataset=pedestrian-flows&metric=pedestrians_in"
                f"&start={day}&end={day + timedelta(days=30)}&interval=day&agg=sum"
            )
        elif kind == "cached":  # (a) with the key, one fixed URL: cached answers
            path = (
                f"/api/v1/readings/?sensor={pedestrians[0]}&metric=pedestrians_in"
                "&start=2025-01-07&end=2025-01-08&interval=15min"
            )
        else:
            path = "/bench/bare"
        seen.add(path)
        if kind in ("bare", "cached"):
            return [path] * count
    return sorted(seen, key=lambda _p: rng.random())


def profile(client, batch, top):
    """cProfile of another batch of the same kind (distinct, uncached URLs)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for path in batch:
        client.get(path)
    profiler.disable()
    stats = (
        pstats.Stats(profiler)
        .strip_dirs()
        .sort_stats(os.environ.get("PROFILE_SORT", "tottime"))
    )
    stats.print_stats(top)


def main(argv=None):
    global DAYS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--token", default="", help="an API key (default: issue one)")
    parser.add_argument(
        "--kinds",
        default="bare,a,b,c",
        help="comma-separated: bare, a, b, c, cached (a fixed keyed sensor-day)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also print cProfile's N costliest functions (cumulative) per kind",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=330,
        help="draw the days among the first N of 2025 (default %(default)s)",
    )
    args = parser.parse_args(argv)
    DAYS = args.days
    load_year.configure_environment()
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from bench import run_all
    from datasets.models import Sensor, Street

    token = args.token or run_all.bench_api_key()
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    rng = random.Random(int(time.time()))
    pedestrians = list(
        Sensor.objects.filter(datasets__slug="pedestrian-flows").values_list(
            "code", flat=True
        )
    )
    streets = list(
        Street.objects.filter(sensors__datasets__slug="pedestrian-flows")
        .distinct()
        .values_list("slug", flat=True)
    )
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    cache.clear()
    for path in paths("a", 20, rng, pedestrians, streets):  # warm up
        assert client.get(path).status_code == 200
    print(f"{'kind':<6}{'wall ms':>9}{'python CPU ms':>15}{'PG CPU ms':>11}")
    for kind in args.kinds.split(","):
        batch = paths(kind, args.requests, rng, pedestrians, streets)
        wall, cpu, pg = time.perf_counter(), time.process_time(), backend_cpu(pid)
        for path in batch:
            response = client.get(path)
            assert response.status_code == 200, (path, response.content[:200])
        n = len(batch)
        print(
            f"{kind:<6}{(time.perf_counter() - wall) / n * 1000:>9.2f}"
            f"{(time.process_time() - cpu) / n * 1000:>15.2f}"
            f"{(backend_cpu(pid) - pg) / n * 1000:>11.2f}",
            flush=True,
        )
        if args.profile:
            profile(
                client,
                paths(kind, args.requests, rng, pedestrians, streets),
                args.profile,
            )
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
