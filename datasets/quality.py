"""Data quality per sensor and Europe/Paris day: completeness, gaps, last reading.

A quarter hour counts as received when the sensor sent at least one metric
for it. ``expected`` is the number of quarter hours of the day (92, 96 or
100), counting only those already over for the current day. A gap is a run of
consecutive missing quarter hours; the trailing run of the current day is not
a gap yet (the data may still come).
"""

import datetime
from collections import defaultdict

from django.utils import timezone

from .models import Reading, SensorDayQuality
from .rollups import paris_day, paris_midnight, quarter_hours_in_day

QUARTER = datetime.timedelta(minutes=15)


def refresh_quality(*, sensor_ids=None, start, end, now=None):
    """Recompute ``SensorDayQuality`` for the Paris days touched by [start, end).

    ``sensor_ids`` narrows the work (None: every sensor with a reading in the
    range). Rows are upserted; a sensor-day without any reading gets a row only
    when its sensor is named in ``sensor_ids``. Returns the number of rows.
    """
    now = now or timezone.now()
    if start >= end:
        return 0
    first_day = paris_day(start)
    last_day = paris_day(min(end, now) - datetime.timedelta(microseconds=1))
    if last_day < first_day:
        return 0
    window_start = paris_midnight(first_day)
    window_end = paris_midnight(last_day + datetime.timedelta(days=1))
    readings = Reading.objects.filter(
        period_start__gte=window_start, period_start__lt=window_end
    )
    if sensor_ids is not None:
        readings = readings.filter(sensor_id__in=list(sensor_ids))
    seen = defaultdict(set)
    for sensor_id, period_start in (
        readings.values_list("sensor_id", "period_start")
        .distinct()
        .iterator(chunk_size=10000)
    ):
        seen[sensor_id].add(period_start)
    targets = set(seen) if sensor_ids is None else set(sensor_ids)
    days = []
    day = first_day
    while day <= last_day:
        days.append(day)
        day += datetime.timedelta(days=1)

    rows = []
    for sensor_id in sorted(targets):
        stamps = seen.get(sensor_id, set())
        for day in days:
            rows.append(_quality_of_day(sensor_id, day, stamps, now))
    SensorDayQuality.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["sensor", "day"],
        update_fields=[
            "expected",
            "received",
            "gaps",
            "longest_gap_minutes",
            "last_reading_at",
        ],
    )
    return len(rows)


def _quality_of_day(sensor_id, day, stamps, now):
    start = paris_midnight(day)
    total = quarter_hours_in_day(day)
    over = min(total, max(0, int((now - start).total_seconds() // 900)))
    received = 0
    gaps = 0
    longest = 0
    run = 0
    last = None
    for index in range(total):
        moment = start + index * QUARTER
        if moment in stamps:
            received += 1
            last = moment
            if run:
                gaps += 1
                longest = max(longest, run)
                run = 0
        elif index < over:
            run += 1
    if run and over == total:
        gaps += 1
        longest = max(longest, run)
    return SensorDayQuality(
        sensor_id=sensor_id,
        day=day,
        expected=over,
        received=received,
        gaps=gaps,
        longest_gap_minutes=longest * 15,
        last_reading_at=last,
    )
