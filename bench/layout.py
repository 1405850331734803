"""Issue 14: pages touched by the readings queries on a bench database.

    BENCH_DATABASE_URL=postgres://.../bench_wt_api .venv/bin/python bench/layout.py

For 40 random sensor-days (15-minute values), street-weeks (hourly) and
30-day dataset windows (daily sums) of 2025, the values query the API sends
(``datasets.api.readings.values_sql``) is run under ``EXPLAIN (ANALYZE,
BUFFERS)``: the buffers it touched (shared hit + read: pages, whatever the
cache state), the heap fetches of an index-only scan, and its execution time
(which depends on the machine's load; the pages do not). Medians are printed.
"""

import random
import re
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year  # noqa: E402


def explain(sql, arguments):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, arguments)
        plan = [row[0] for row in cursor.fetchall()]
    text = "\n".join(plan)
    # The first Buffers line is the top node's: the whole query.
    match = re.search(r"Buffers: shared ([^\n]*)", text)
    touched = sum(int(n) for n in re.findall(r"(?:hit|read)=(\d+)", match.group(1)))
    fetches = sum(int(n) for n in re.findall(r"Heap Fetches: (\d+)", text))
    ms = float(re.search(r"Execution Time: ([\d.]+) ms", text).group(1))
    scan = re.search(r"(Index Only Scan|Index Scan|Bitmap Heap Scan|Seq Scan)", text)
    return touched, fetches, ms, scan.group(1) if scan else "?"


def main():
    load_year.configure_environment()
    import django

    django.setup()
    from datasets.api import catalogue, readings
    from datasets.api.params import parse_readings_params
    from datasets.models import Sensor, Street

    rng = random.Random(14)
    current = catalogue.load("layout")
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
    kinds = {
        "sensor-day, 15 min": lambda day: {
            "sensor": rng.choice(pedestrians),
            "metric": "pedestrians_in",
            "interval": "15min",
            "start": str(day),
            "end": str(day + timedelta(days=1)),
        },
        "street-week, hourly": lambda day: {
            "street": rng.choice(streets),
            "dataset": "pedestrian-flows",
            "metric": "pedestrians_in",
            "interval": "hour",
            "agg": "avg",
            "start": str(day),
            "end": str(day + timedelta(days=7)),
        },
        "dataset 30 days, daily": lambda day: {
            "dataset": "pedestrian-flows",
            "metric": "pedestrians_in",
            "interval": "day",
            "agg": "sum",
            "start": str(day),
            "end": str(day + timedelta(days=30)),
        },
    }
    for name, make in kinds.items():
        figures = []
        for _ in range(40):
            day = date(2025, 1, 1) + timedelta(days=rng.randrange(330))
            params = parse_readings_params(make(day))
            selection = readings.resolve_selection(params, current)
            sql, arguments = readings.values_sql(params, selection, limit=1001)
            figures.append(explain(sql, arguments))
        pages = statistics.median(f[0] for f in figures)
        fetches = statistics.median(f[1] for f in figures)
        ms = statistics.median(f[2] for f in figures)
        scans = sorted({f[3] for f in figures})
        print(
            f"{name:<24} pages {pages:>7.0f}  heap fetches {fetches:>6.0f}  "
            f"execution {ms:>7.2f} ms  ({', '.join(scans)})"
        )


if __name__ == "__main__":
    main()
