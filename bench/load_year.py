"""Load one year of 15-minute readings of the 160 sensors into the bench database.

    .venv/bin/python bench/load_year.py [--reset]

1. creates the bench database if missing (``--reset`` drops it first) and
   migrates it with ``bench.settings``;
2. seeds the catalogue (datasets, metrics, streets, zones, sensors) with the
   datasets app's own ``datasets.services.seed_catalogue()`` (idempotent);
3. loads 2025-01-01 to 2026-01-01 (Europe/Paris) of 15-minute readings for
   every (sensor, metric) series, one Paris month per transaction, generated
   inside PostgreSQL (``generate_series`` and a deterministic formula), in time
   order as real ingestion would store them; the hourly and daily rollups of
   each month are built in the same statement (set-based, contract semantics:
   hourly by UTC hour, daily by Europe/Paris date, decibel totals as sums of
   10^(L/10)); one data-quality row per sensor and day;
4. skips every month already loaded (marker table ``bench_loaded_chunk``,
   keyed by month and by a fingerprint of the series and of the tables' oids,
   so a migration that recreates a table reloads it), then VACUUM ANALYZE and
   prints row counts, sizes and timings.

The database is named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/portal_bench) and Redis by BENCH_REDIS_URL
(default redis://127.0.0.1:6379/4).
"""

import argparse
import hashlib
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
PARIS = ZoneInfo("Europe/Paris")
YEAR = 2025


def configure_environment():
    """Point DATABASE_URL/REDIS_URL and the settings at the bench; return the env."""
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", DEFAULT_DATABASE_URL
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("PORTAL_CACHE_PREFIX", "bench")
    os.environ.setdefault("PORTAL_VAR_DIR", str(ROOT / "var" / "bench"))
    return dict(os.environ)


def ensure_database(url, *, reset=False, out=print):
    """Create the bench database when missing (drop it first with ``reset``)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    name = params.get("dbname") or "portal_bench"
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if reset:
            out(f"Dropping database {name}")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            out(f"Creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate(env, *, out=print):
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    out(f"Migrated in {time.monotonic() - started:.1f} s")


# --- The catalogue -------------------------------------------------------------


def seed_catalogue(*, out=print):
    """Seed the catalogue with the datasets app's own reference seed (idempotent)."""
    from datasets.services import seed_catalogue as seed

    started = time.monotonic()
    seed()
    out(
        f"Catalogue seeded (datasets.services.seed_catalogue) in "
        f"{time.monotonic() - started:.1f} s"
    )


# --- The readings --------------------------------------------------------------

MARKER_DDL = """
CREATE TABLE IF NOT EXISTS bench_loaded_chunk (
    chunk_start timestamptz PRIMARY KEY,
    chunk_end timestamptz NOT NULL,
    fingerprint text NOT NULL,
    readings bigint NOT NULL,
    hourly bigint NOT NULL,
    daily bigint NOT NULL,
    seconds double precision NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
)
"""

# One row per quarter hour of the chunk with the shape of the day (Paris time).
TIMES_SQL = """
CREATE TEMP TABLE bench_times ON COMMIT DROP AS
SELECT t, q, h, dow, doy,
       greatest(0, sin(pi() * (h - 6) / 16)) AS day,
       exp(-power(h - 8.5, 2) / 0.5) + 0.8 * exp(-power(h - 13, 2) / 1.5)
           + exp(-power(h - 18, 2) / 1.2) AS peaks,
       CASE dow WHEN 7 THEN 0.55 WHEN 6 THEN 0.8 ELSE 1 END AS wk,
       CASE WHEN dow = 6 THEN 0.8 * exp(-power(h - 11.5, 2) / 2) ELSE 0 END
           AS market,
       CASE WHEN doy BETWEEN 213 AND 243 THEN 0.7 ELSE 1 END AS aug,
       exp(-power(h - 21.5, 2) / 3) AS evening,
       (h < 7 + 1.5 * cos(2 * pi() * (doy + 10) / 365)
        OR h >= 19 - 2.5 * cos(2 * pi() * (doy + 10) / 365)) AS dark
FROM (
    SELECT t, extract(epoch FROM t) / 900 AS q,
           extract(hour FROM l) + extract(minute FROM l) / 60.0 AS h,
           extract(isodow FROM l)::int AS dow, extract(doy FROM l)::int AS doy
    FROM generate_series(%(start)s::timestamptz,
                         %(end)s::timestamptz - interval '15 minutes',
                         interval '15 minutes') AS t,
         LATERAL (SELECT t AT TIME ZONE 'Europe/Paris' AS l) AS local
) AS base
"""

# The value of each (series, quarter hour): daily, weekly and seasonal patterns
# and a deterministic pseudo-random noise n (per series) and n2 (per sensor).
VALUE_SQL = """
CASE s.slug
  WHEN 'pedestrians_in' THEN round(s.k * (3 + 110 * (0.35 * t.day + 0.65 * t.peaks
       * t.wk + t.market) * t.aug * (0.8 + 0.4 * nz.n)))
  WHEN 'pedestrians_out' THEN round(s.k * (3 + 105 * (0.35 * t.day + 0.65 * t.peaks
       * t.wk + t.market) * t.aug * (0.8 + 0.4 * nz.n)))
  WHEN 'occupancy_rate' THEN round(b.rate * 10) / 10
  WHEN 'occupied' THEN round(s.capacity * b.rate / 100)
  WHEN 'laeq' THEN round(b.laeq * 10) / 10
  WHEN 'lamax' THEN round((b.laeq + 10 + 8 * nz.n) * 10) / 10
  WHEN 'la10' THEN round((b.laeq + 3 + nz.n) * 10) / 10
  WHEN 'la50' THEN round((b.laeq - 2 + nz.n) * 10) / 10
  WHEN 'la90' THEN round((b.laeq - 6 + nz.n) * 10) / 10
  WHEN 'events_over_70' THEN round(greatest(0, b.laeq - 58) * nz.n * 0.8)
  WHEN 'dimming_level' THEN round(b.dim)
  WHEN 'power' THEN round(b.dim * 1.2 * s.k * 10) / 10
  WHEN 'energy' THEN round(b.dim * 1.2 * s.k * 0.25) / 1000
  WHEN 'presence_boosts' THEN CASE WHEN t.h >= 1 AND t.h < 5
       THEN floor(nz.n * 4) ELSE 0 END
  ELSE round(s.k * s.scale * (0.05 + 0.35 * t.day + 0.6 * t.peaks)
       * (CASE t.dow WHEN 7 THEN 0.5 ELSE 1 END) * t.aug * (0.8 + 0.4 * nz.n))
END
"""

LOAD_SQL = f"""
WITH readings AS (
    INSERT INTO {{reading}} (sensor_id, metric_id, period_start, value)
    SELECT s.sensor_id, s.metric_id, t.t, {VALUE_SQL}
    FROM bench_times AS t
    CROSS JOIN bench_series AS s
    CROSS JOIN LATERAL (
        SELECT x - floor(x) AS n FROM (SELECT abs(sin(t.q * 12.9898
            + s.sensor_id * 78.233 + s.metric_id * 37.719)) * 43758.5453 AS x) AS a
    ) AS nz
    CROSS JOIN LATERAL (
        SELECT x - floor(x) AS n2 FROM (SELECT abs(sin(t.q * 12.9898
            + s.sensor_id * 78.233)) * 43758.5453 AS x) AS a
    ) AS nz2
    CROSS JOIN LATERAL (
        SELECT 45 + 22 * t.day + 6 * t.evening * s.k + 3 * (nz2.n2 - 0.5) AS laeq,
               least(100, greatest(0, 100 * (0.45 + 0.45 * t.day * t.wk
                   + 0.1 * (nz2.n2 - 0.5)))) AS rate,
               CASE WHEN t.h >= 1 AND t.h < 5 THEN 30 + 20 * nz2.n2
                    WHEN t.dark THEN 100 ELSE 0 END AS dim
    ) AS b
    ORDER BY t.t, s.sensor_id, s.metric_id
    RETURNING sensor_id, metric_id, period_start, value
), hourly AS (
    INSERT INTO {{hourly}}
        (sensor_id, metric_id, period_start, count, total, minimum, maximum)
    SELECT r.sensor_id, r.metric_id, date_trunc('hour', r.period_start, 'UTC'),
           count(*),
           sum(CASE WHEN s.decibel THEN power(10, r.value / 10) ELSE r.value END),
           min(r.value), max(r.value)
    FROM readings AS r
    JOIN bench_series AS s USING (sensor_id, metric_id)
    GROUP BY 1, 2, 3
    RETURNING sensor_id, metric_id, period_start, count, total, minimum, maximum
), daily AS (
    INSERT INTO {{daily}} (sensor_id, metric_id, day, count, total, minimum, maximum)
    SELECT sensor_id, metric_id, (period_start AT TIME ZONE 'Europe/Paris')::date,
           sum(count), sum(total), min(minimum), max(maximum)
    FROM hourly
    GROUP BY 1, 2, 3
    RETURNING 1
)
SELECT (SELECT count(*) FROM readings), (SELECT count(*) FROM hourly),
       (SELECT count(*) FROM daily)
"""

QUALITY_SQL = """
INSERT INTO {quality} (sensor_id, day, expected, received, gaps,
                       longest_gap_minutes, last_reading_at)
SELECT d.sensor_id, d.day,
       extract(epoch FROM ((d.day + 1)::timestamp AT TIME ZONE 'Europe/Paris')
                          - (d.day::timestamp AT TIME ZONE 'Europe/Paris'))::int / 900,
       max(d.count), 0, 0,
       ((d.day + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '15 minutes'
FROM {daily} AS d
GROUP BY d.sensor_id, d.day
ON CONFLICT (sensor_id, day) DO NOTHING
"""


def years():
    """How many years to load from 2025 (BENCH_YEARS, default 1; 5 for the
    five-year database of issue 14: 2025 to 2029, in time order)."""
    return int(os.environ.get("BENCH_YEARS", "1"))


def load_deadline():
    """BENCH_LOAD_UNTIL=HH:MM (UTC): start no month after it. The time is
    today's, or tomorrow's when today's was more than 12 hours ago (00:25
    given at 23:20 is in an hour)."""
    text = os.environ.get("BENCH_LOAD_UNTIL", "")
    if not text:
        return None
    hour, minute = (int(part) for part in text.split(":"))
    now = datetime.now(ZoneInfo("UTC"))
    deadline = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if deadline < now - timedelta(hours=12):
        deadline += timedelta(days=1)
    return deadline.timestamp()


def month_chunks():
    """The Paris months to load as [start, end) aware UTC datetimes."""
    for year in range(YEAR, YEAR + years()):
        for month in range(1, 13):
            start = datetime(year, month, 1, tzinfo=PARIS)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=PARIS)
            yield start, end


def series_rows():
    """(sensor id, metric id, metric slug, capacity, k, scale, decibel) per series."""
    from datasets.models import Metric, Sensor

    metrics_by_dataset = {}
    for metric in Metric.objects.order_by("id"):
        metrics_by_dataset.setdefault(metric.dataset_id, []).append(metric)
    vehicle_scale = {
        "cars": 140,
        "vans": 22,
        "trucks": 7,
        "buses": 5,
        "motorbikes": 18,
        "bicycles": 35,
        "e_scooters": 12,
    }
    rows = []
    sensors = Sensor.objects.select_related("parking_zone").prefetch_related("datasets")
    for sensor in sensors.order_by("id"):
        capacity = sensor.parking_zone.capacity if sensor.parking_zone else 10
        # A per-sensor factor so that the sensors of one street differ.
        k = 0.6 + (sensor.id * 37 % 80) / 100
        for dataset in sensor.datasets.all():
            for metric in metrics_by_dataset.get(dataset.id, []):
                decibel = metric.scale == "decibel"
                scale = vehicle_scale.get(metric.slug, 20)
                rows.append(
                    (sensor.id, metric.id, metric.slug, capacity, k, scale, decibel)
                )
    return rows


def fingerprint(rows, tables):
    """A digest of the series and of the tables' identities (oids).

    A migration that recreates a table gives it a new oid: the months loaded
    into the old table are then loaded again.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::regclass::oid, %s::regclass::oid, %s::regclass::oid",
            [tables["reading"], tables["hourly"], tables["daily"]],
        )
        oids = cursor.fetchone()
    text = ";".join(f"{row[0]}:{row[1]}:{row[2]}:{row[6]}" for row in rows)
    text += ";" + ",".join(str(oid) for oid in oids)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def month_is_present(rows, tables, start, end):
    """True when the first series has readings in the month (index probe)."""
    from django.db import connection

    if not rows:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {tables['reading']} WHERE sensor_id = %s"
            " AND metric_id = %s AND period_start >= %s AND period_start < %s)",
            [rows[0][0], rows[0][1], start, end],
        )
        return cursor.fetchone()[0]


def _is_superuser(cursor):
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def load_readings(*, out=print):
    """Load the missing months; return the number of months loaded now."""
    from django.db import connection, transaction

    from datasets.models import DailyRollup, HourlyRollup, Reading, SensorDayQuality

    tables = {
        "reading": Reading._meta.db_table,
        "hourly": HourlyRollup._meta.db_table,
        "daily": DailyRollup._meta.db_table,
    }
    rows = series_rows()
    digest = fingerprint(rows, tables)
    out(f"{len(rows)} series (sensor x metric), fingerprint {digest}")
    with connection.cursor() as cursor:
        cursor.execute(MARKER_DDL)
        cursor.execute("SELECT chunk_start, fingerprint FROM bench_loaded_chunk")
        loaded = dict(cursor.fetchall())
    loaded_now = 0
    deadline = load_deadline()
    for start, end in month_chunks():
        if loaded.get(start) == digest and month_is_present(rows, tables, start, end):
            continue
        if deadline is not None and time.time() > deadline:
            out(f"  deadline reached: stopping before {start:%Y-%m}")
            break
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            # The rows come from the catalogue's own series, so the deferred
            # foreign-key triggers (millions of checks at COMMIT) are skipped:
            # this needs a superuser, as the default bench role is.
            if _is_superuser(cursor):
                cursor.execute("SET LOCAL session_replication_role = replica")
            if start in loaded:
                out(f"  {start:%Y-%m}: series changed, reloading the month")
                for table, column, low, high in (
                    (tables["reading"], "period_start", start, end),
                    (tables["hourly"], "period_start", start, end),
                    (tables["daily"], "day", start.date(), end.date()),
                ):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE {column} >= %s AND {column} < %s",
                        [low, high],
                    )
                cursor.execute(
                    "DELETE FROM bench_loaded_chunk WHERE chunk_start = %s", [start]
                )
            cursor.execute(
                "CREATE TEMP TABLE bench_series (sensor_id smallint, metric_id "
                "smallint, slug text, capacity int, k float8, scale float8, "
                "decibel boolean) ON COMMIT DROP"
            )
            with connection.connection.cursor().copy(
                "COPY bench_series FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("ANALYZE bench_series")
            cursor.execute(TIMES_SQL, {"start": start, "end": end})
            cursor.execute(LOAD_SQL.format(**tables))
            readings, hourly, daily = cursor.fetchone()
            seconds = time.monotonic() - started
            cursor.execute(
                "INSERT INTO bench_loaded_chunk (chunk_start, chunk_end, fingerprint,"
                " readings, hourly, daily, seconds) VALUES (%s, %s, %s, %s, %s, %s,"
                " %s)",
                [start, end, digest, readings, hourly, daily, seconds],
            )
        loaded_now += 1
        out(
            f"  {start:%Y-%m}: {readings:>9,} readings, {hourly:>8,} hourly, "
            f"{daily:>6,} daily rollups in {seconds:.1f} s"
        )
    if loaded_now:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    QUALITY_SQL.format(
                        quality=SensorDayQuality._meta.db_table, daily=tables["daily"]
                    )
                )
                out(f"  {cursor.rowcount:,} data-quality rows (sensor x day)")
        except Exception as error:  # the schema moved on: quality is optional
            out(f"  data-quality rows skipped: {error}")
    return loaded_now


def vacuum_analyze(*, out=print):
    from django.db import connection

    from datasets.models import DailyRollup, HourlyRollup, Reading, SensorDayQuality

    started = time.monotonic()
    with connection.cursor() as cursor:
        for model in (Reading, HourlyRollup, DailyRollup, SensorDayQuality):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    out(f"VACUUM ANALYZE in {time.monotonic() - started:.1f} s")


def report_sizes(*, out=print):
    """Print rows, table and index sizes; return them as a list of dicts."""
    from django.db import connection

    from datasets.models import DailyRollup, HourlyRollup, Reading, SensorDayQuality

    figures = []
    with connection.cursor() as cursor:
        for model in (Reading, HourlyRollup, DailyRollup, SensorDayQuality):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT count(*), pg_relation_size(%s), pg_indexes_size(%s),"
                f" pg_total_relation_size(%s) FROM {table}",
                [table, table, table],
            )
            rows, heap, indexes, total = cursor.fetchone()
            figures.append(
                {
                    "table": table,
                    "rows": rows,
                    "table_mb": heap / 2**20,
                    "indexes_mb": indexes / 2**20,
                    "total_mb": total / 2**20,
                }
            )
    out(f"{'table':<28}{'rows':>12}{'table MB':>10}{'index MB':>10}{'total MB':>10}")
    for item in figures:
        out(
            f"{item['table']:<28}{item['rows']:>12,}{item['table_mb']:>10.0f}"
            f"{item['indexes_mb']:>10.0f}{item['total_mb']:>10.0f}"
        )
    return figures


def load_year(*, reset=False, out=print):
    """Make the bench database ready; return a summary dict."""
    env = configure_environment()
    started = time.monotonic()
    ensure_database(os.environ["DATABASE_URL"], reset=reset, out=out)
    migrate(env, out=out)
    import django

    django.setup()
    seed_catalogue(out=out)
    loaded_now = load_readings(out=out)
    load_seconds = time.monotonic() - started
    if loaded_now:
        out(f"Loaded {loaded_now} month(s) in {load_seconds:.0f} s")
    else:
        out("The year was already loaded: nothing to do")
    vacuum_analyze(out=out)
    figures = report_sizes(out=out)
    return {
        "months_loaded_now": loaded_now,
        "seconds": time.monotonic() - started,
        "tables": figures,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reset", action="store_true", help="drop and recreate the bench database"
    )
    args = parser.parse_args(argv)
    load_year(reset=args.reset)


if __name__ == "__main__":
    main()
