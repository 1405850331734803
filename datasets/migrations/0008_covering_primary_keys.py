# The readings' layout (issue 14, docs/benchmarks.md "Layout").
#
# Readings arrive in time order, so the 96 quarter hours of one sensor-day sit
# on about 96 different heap pages. The primary keys of the readings and of
# the rollups now carry the values (INCLUDE), and so does the daily rollups'
# (metric, day) index: a sensor-day, a street-week or a
# dataset-month is read by an index-only scan of a few adjacent leaf pages,
# whatever the table's size. The key columns are unchanged, so ingestion's
# ON CONFLICT (sensor_id, metric_id, period_start) keeps its arbiter and its
# exactly-once behaviour, and the tables stay compatible with native
# partitioning by time and with Citus distribution by sensor_id.
#
# An index-only scan skips the heap only for pages marked all-visible, which
# VACUUM does. For an append-only table PostgreSQL triggers it after 20 % of
# the table's rows were inserted (a year of readings once the table holds
# five): the storage parameters below vacuum it every ~20,000 new rows
# (about 8 hours of ingestion at 160 sensors) instead.
#
# On the one-year bench table (21.7 M readings) this migration takes the time
# of rebuilding the primary keys (see docs/benchmarks.md); it holds an
# ACCESS EXCLUSIVE lock meanwhile: run it in a maintenance window.

from django.contrib.postgres.indexes import BrinIndex
from django.db import migrations, models

TABLES = (
    ("datasets_reading", "sensor_id, metric_id, period_start", "value"),
    (
        "datasets_hourlyrollup",
        "sensor_id, metric_id, period_start",
        "count, total, minimum, maximum",
    ),
    (
        "datasets_dailyrollup",
        "sensor_id, metric_id, day",
        "count, total, minimum, maximum",
    ),
)


def _key(table, columns, include=None):
    clause = f" INCLUDE ({include})" if include else ""
    return (
        f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, "
        f"ADD CONSTRAINT {table}_pkey PRIMARY KEY ({columns}){clause};"
    )


FORWARD = [_key(table, columns, include) for table, columns, include in TABLES] + [
    "ALTER TABLE datasets_reading SET (autovacuum_vacuum_insert_threshold = 20000,"
    " autovacuum_vacuum_insert_scale_factor = 0);",
    "ALTER TABLE datasets_hourlyrollup SET (autovacuum_vacuum_insert_threshold ="
    " 20000, autovacuum_vacuum_insert_scale_factor = 0);",
]
BACKWARD = [_key(table, columns) for table, columns, _include in TABLES] + [
    "ALTER TABLE datasets_reading RESET (autovacuum_vacuum_insert_threshold,"
    " autovacuum_vacuum_insert_scale_factor);",
    "ALTER TABLE datasets_hourlyrollup RESET (autovacuum_vacuum_insert_threshold,"
    " autovacuum_vacuum_insert_scale_factor);",
]


class Migration(migrations.Migration):
    dependencies = [
        ("datasets", "0007_move_data_access_to_access"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        # The dataset-wide daily queries (one metric, every sensor, a range of
        # days): an index-only scan too.
        # The upkeep of the rollups reads every sensor's readings of an hour
        # or a day: without an index on the time alone it read the whole
        # table (12 s for one 15-minute batch on a year of readings). Rows
        # arrive in time order, so a BRIN index (a few hundred kB) narrows
        # it to the pages of that hour.
        migrations.AddIndex(
            model_name="reading",
            index=BrinIndex(fields=["period_start"], name="reading_period_brin"),
        ),
        migrations.AddIndex(
            model_name="hourlyrollup",
            index=BrinIndex(fields=["period_start"], name="hourly_period_brin"),
        ),
        migrations.RemoveIndex(model_name="dailyrollup", name="daily_metric_day"),
        migrations.AddIndex(
            model_name="dailyrollup",
            index=models.Index(
                fields=["metric", "day"],
                include=("count", "total", "minimum", "maximum"),
                name="daily_metric_day",
            ),
        ),
    ]
