"""Hourly and daily rollups of readings, maintained at ingestion.

``HourlyRollup.period_start`` is the UTC hour start (Paris hours are whole UTC
hours). ``DailyRollup.day`` is the Europe/Paris calendar date: a DST day holds
23 or 25 hours. ``total`` is the sum of the values, or for decibel metrics the
sum of 10^(L/10) (acoustic energy): the mean level is 10*log10(total/count).

Hourly rows are computed from readings, and daily rows from hourly rows
(``AT TIME ZONE 'Europe/Paris'``), each with one set-based PostgreSQL
``INSERT ... SELECT ... ON CONFLICT DO UPDATE``.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import connection

from .models import DailyRollup, HourlyRollup

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
HOUR = datetime.timedelta(hours=1)


def floor_hour(moment):
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment):
    floored = floor_hour(moment)
    return floored if floored == moment else floored + HOUR


def paris_day(moment):
    """The Europe/Paris calendar date of an aware datetime."""
    return moment.astimezone(PARIS).date()


def paris_midnight(day):
    """The UTC instant at which the Paris day ``day`` starts."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=PARIS).astimezone(UTC)


def quarter_hours_in_day(day):
    """Number of 15-minute periods of a Paris day: 96, or 92/100 on DST days."""
    seconds = (
        paris_midnight(day + datetime.timedelta(days=1)) - paris_midnight(day)
    ).total_seconds()
    return int(seconds // 900)


def _sensor_filter(sensor_ids, column="sensor_id"):
    if sensor_ids is None:
        return "", []
    ids = sorted({int(pk) for pk in sensor_ids})
    if not ids:
        return " AND 1 = 0", []
    placeholders = ", ".join(["%s"] * len(ids))
    return f" AND {column} IN ({placeholders})", ids


def refresh_rollups(*, sensor_ids=None, start, end):
    """Recompute the hourly and daily rollups touched by readings in [start, end).

    ``sensor_ids`` narrows the work to some sensors (None: all). Hours are
    widened to whole hours, days to whole Europe/Paris days. Rows are upserted,
    never deleted (readings are never deleted either). Returns
    ``(hourly_rows, daily_rows)`` written.
    """
    if start >= end:
        return 0, 0
    hour_start, hour_end = floor_hour(start), ceil_hour(end)
    first_day = paris_day(start)
    last_day = paris_day(end - datetime.timedelta(microseconds=1))
    day_start = paris_midnight(first_day)
    day_end = paris_midnight(last_day + datetime.timedelta(days=1))
    hourly = _refresh_hourly(sensor_ids, hour_start, hour_end)
    daily = _refresh_daily(sensor_ids, day_start, day_end)
    return hourly, daily


def _refresh_hourly(sensor_ids, hour_start, hour_end):
    reading = "datasets_reading"
    hourly = HourlyRollup._meta.db_table
    metric = "datasets_metric"
    where, params = _sensor_filter(sensor_ids, "r.sensor_id")
    field = HourlyRollup._meta.get_field("period_start")
    bounds = [
        field.get_db_prep_value(hour_start, connection),
        field.get_db_prep_value(hour_end, connection),
    ]
    sql = f"""
        INSERT INTO {hourly}
            (sensor_id, metric_id, period_start, count, total, minimum, maximum)
        SELECT r.sensor_id, r.metric_id, date_trunc('hour', r.period_start), COUNT(*),
               SUM(CASE WHEN m.scale = 'decibel'
                        THEN POWER(10.0, r.value / 10.0) ELSE r.value END),
               MIN(r.value), MAX(r.value)
        FROM {reading} r JOIN {metric} m ON m.id = r.metric_id
        WHERE r.period_start >= %s AND r.period_start < %s{where}
        GROUP BY r.sensor_id, r.metric_id, date_trunc('hour', r.period_start)
        ON CONFLICT (sensor_id, metric_id, period_start) DO UPDATE SET
            count = excluded.count, total = excluded.total,
            minimum = excluded.minimum, maximum = excluded.maximum
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds + params)
        return max(cursor.rowcount, 0)


def _refresh_daily(sensor_ids, day_start, day_end):
    hourly = HourlyRollup._meta.db_table
    daily = DailyRollup._meta.db_table
    where, params = _sensor_filter(sensor_ids)
    sql = f"""
        INSERT INTO {daily}
            (sensor_id, metric_id, day, count, total, minimum, maximum)
        SELECT sensor_id, metric_id,
               (period_start AT TIME ZONE 'Europe/Paris')::date AS paris_day,
               SUM(count), SUM(total), MIN(minimum), MAX(maximum)
        FROM {hourly}
        WHERE period_start >= %s AND period_start < %s{where}
        GROUP BY sensor_id, metric_id, paris_day
        ON CONFLICT (sensor_id, metric_id, day) DO UPDATE SET
            count = excluded.count, total = excluded.total,
            minimum = excluded.minimum, maximum = excluded.maximum
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [day_start, day_end] + params)
        return max(cursor.rowcount, 0)
