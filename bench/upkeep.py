"""Issue 14: ingestion and rollup upkeep on a bench database, 1 year vs 5 years.

    BENCH_DATABASE_URL=postgres://.../bench_wt_api_5y .venv/bin/python bench/upkeep.py

On the database BENCH_DATABASE_URL names (as bench/load_year.py left it),
each timing repeated ``--repeat`` times (median), every change rolled back
(the database is left as it was):

- live ingestion of one 15-minute batch for every series (sensor x metric),
  at the quarter hour after the last one stored, through the ingestion
  service's own ``insert_readings()`` (exactly-once: ``ON CONFLICT DO
  NOTHING``), then the rollups of that hour and day (``refresh_rollups``);
- the same batch sent again (already stored: 0 new rows);
- the rollups' upkeep of one whole day for every sensor;
- sizes: rows, heap, indexes, and the primary key's depth.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year  # noqa: E402


class Rollback(Exception):
    pass


def timed(function, repeat):
    from django.db import transaction

    seconds = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = function()
                seconds.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    return statistics.median(seconds) * 1000, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    load_year.configure_environment()
    import django

    django.setup()
    from django.db import connection

    from datasets.ingestion import insert_readings
    from datasets.rollups import refresh_rollups

    series = [(row[0], row[1]) for row in load_year.series_rows()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(period_start) FROM datasets_reading WHERE sensor_id = %s"
            " AND metric_id = %s",
            list(series[0]),
        )
        last = cursor.fetchone()[0]
    moment = last + timedelta(minutes=15)
    batch = [(sensor, metric, moment, 1.0) for sensor, metric in series]
    figures = {"after": last.isoformat(), "series": len(series)}

    def live():
        new = insert_readings(batch)
        refresh_rollups(start=moment, end=moment + timedelta(minutes=15))
        return new

    figures["live_batch_ms"], figures["live_new_rows"] = timed(live, args.repeat)

    def again():
        insert_readings(batch)
        return insert_readings(batch)

    figures["batch_twice_ms"], figures["second_new_rows"] = timed(again, args.repeat)
    day_start = last.replace(hour=0, minute=0) - timedelta(days=2)
    figures["rollups_one_day_ms"], rolled = timed(
        lambda: refresh_rollups(start=day_start, end=day_start + timedelta(days=1)),
        args.repeat,
    )
    figures["rollup_rows_one_day"] = rolled
    figures["tables"] = load_year.report_sizes(out=lambda *_: None)
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute("SELECT level FROM bt_metap('datasets_reading_pkey')")
        figures["reading_pkey_levels"] = cursor.fetchone()[0] + 1
        cursor.execute("SELECT pg_relation_size('datasets_reading_pkey')")
        figures["reading_pkey_mb"] = round(cursor.fetchone()[0] / 2**20)
        cursor.execute("SELECT pg_database_size(current_database())")
        figures["database_mb"] = round(cursor.fetchone()[0] / 2**20)
    for key, value in figures.items():
        print(f"{key}: {value}")
    return figures


if __name__ == "__main__":
    main()
