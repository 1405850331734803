import datetime
import math

import pytest

from datasets.enums import MetricScale
from datasets.ingestion import insert_readings
from datasets.models import DailyRollup, HourlyRollup
from datasets.rollups import quarter_hours_in_day, refresh_rollups
from tests.datasets.factories import MetricFactory, SensorFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
Q = datetime.timedelta(minutes=15)


@pytest.fixture
def counter():
    metric = MetricFactory(slug="pedestrians_in")
    return SensorFactory(datasets=[metric.dataset]), metric


@pytest.fixture
def sound_meter():
    metric = MetricFactory(
        slug="laeq",
        unit="dB(A)",
        scale=MetricScale.DECIBEL,
        min_value=20,
        max_value=130,
    )
    return SensorFactory(datasets=[metric.dataset]), metric


def store(sensor, metric, start, values):
    insert_readings(
        [(sensor.pk, metric.pk, start + i * Q, float(v)) for i, v in enumerate(values)]
    )


def test_refresh_rollups_sums_and_averages_linear_values(counter):
    sensor, metric = counter
    start = datetime.datetime(2025, 10, 7, 8, tzinfo=UTC)
    store(sensor, metric, start, [10, 20, 30, 40, 5, 5])

    hourly, daily = refresh_rollups(start=start, end=start + 6 * Q)

    rows = list(
        HourlyRollup.objects.order_by("period_start").values_list(
            "period_start", "count", "total", "minimum", "maximum"
        )
    )
    assert rows == [
        (start, 4, 100.0, 10.0, 40.0),
        (start + datetime.timedelta(hours=1), 2, 10.0, 5.0, 5.0),
    ]
    day = DailyRollup.objects.get()
    assert (day.day, day.count, day.total, day.average) == (
        datetime.date(2025, 10, 7),
        6,
        110.0,
        110.0 / 6,
    )
    assert (hourly, daily) == (2, 1)


def test_refresh_rollups_stores_decibel_energy_and_averages_exactly(sound_meter):
    sensor, metric = sound_meter
    start = datetime.datetime(2025, 10, 7, 20, tzinfo=UTC)
    store(sensor, metric, start, [50, 60, 70, 80])

    refresh_rollups(sensor_ids=[sensor.pk], start=start, end=start + 4 * Q)

    hourly = HourlyRollup.objects.get()
    energy = 10**5 + 10**6 + 10**7 + 10**8
    assert hourly.total == pytest.approx(energy, rel=1e-12)
    assert (hourly.minimum, hourly.maximum) == (50.0, 80.0)
    assert hourly.average == pytest.approx(10 * math.log10(energy / 4), abs=1e-9)
    assert round(hourly.average, 2) == 74.44
    assert DailyRollup.objects.get().average == pytest.approx(hourly.average)


def test_refresh_rollups_puts_readings_in_paris_days_across_the_dst_change(counter):
    sensor, metric = counter
    # 2025-10-26 in Paris runs from 25 Oct 22:00 UTC to 26 Oct 23:00 UTC.
    paris_day_start = datetime.datetime(2025, 10, 25, 22, tzinfo=UTC)
    store(sensor, metric, paris_day_start - Q, [7])  # 23:45 Paris on the 25th
    store(sensor, metric, paris_day_start, [1] * 100)  # the 100 quarters
    store(sensor, metric, paris_day_start + 100 * Q, [3])  # 00:00 on the 27th

    refresh_rollups(start=paris_day_start - Q, end=paris_day_start + 101 * Q)

    days = list(
        DailyRollup.objects.order_by("day").values_list("day", "count", "total")
    )
    assert days == [
        (datetime.date(2025, 10, 25), 1, 7.0),
        (datetime.date(2025, 10, 26), 100, 100.0),
        (datetime.date(2025, 10, 27), 1, 3.0),
    ]
    assert (
        HourlyRollup.objects.filter(
            period_start__gte=paris_day_start,
            period_start__lt=paris_day_start + datetime.timedelta(hours=25),
        ).count()
        == 25
    )


def test_quarter_hours_in_day_follows_daylight_saving():
    assert quarter_hours_in_day(datetime.date(2025, 3, 30)) == 92
    assert quarter_hours_in_day(datetime.date(2025, 10, 26)) == 100
    assert quarter_hours_in_day(datetime.date(2025, 10, 27)) == 96


def test_refresh_rollups_updates_rows_when_late_readings_arrive(counter):
    sensor, metric = counter
    start = datetime.datetime(2025, 10, 7, 8, tzinfo=UTC)
    store(sensor, metric, start, [10])
    refresh_rollups(start=start, end=start + Q)
    store(sensor, metric, start + Q, [30])

    refresh_rollups(sensor_ids=[sensor.pk], start=start + Q, end=start + 2 * Q)

    hourly = HourlyRollup.objects.get()
    assert (hourly.count, hourly.total, hourly.maximum) == (2, 40.0, 30.0)
    assert DailyRollup.objects.get().count == 2
