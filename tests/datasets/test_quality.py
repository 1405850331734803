import datetime

import pytest

from datasets.ingestion import insert_readings
from datasets.models import SensorDayQuality
from datasets.quality import refresh_quality
from tests.datasets.factories import MetricFactory, SensorFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
Q = datetime.timedelta(minutes=15)
# 2025-10-07 in Paris starts at 2025-10-06 22:00 UTC.
DAY_START = datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)


@pytest.fixture
def sensor_and_metrics():
    first = MetricFactory(slug="pedestrians_in")
    second = MetricFactory(slug="pedestrians_out", dataset=first.dataset)
    return SensorFactory(datasets=[first.dataset]), first, second


def test_refresh_quality_counts_completeness_and_gaps(sensor_and_metrics):
    sensor, first, second = sensor_and_metrics
    missing = set(range(10, 14)) | {50} | set(range(90, 96))
    rows = []
    for index in range(96):
        if index in missing:
            continue
        rows.append((sensor.pk, first.pk, DAY_START + index * Q, 1.0))
        if index % 2:
            rows.append((sensor.pk, second.pk, DAY_START + index * Q, 1.0))
    insert_readings(rows)

    refresh_quality(
        sensor_ids=[sensor.pk],
        start=DAY_START,
        end=DAY_START + 96 * Q,
        now=DAY_START + datetime.timedelta(days=3),
    )

    quality = SensorDayQuality.objects.get()
    assert (quality.day, quality.expected, quality.received) == (
        datetime.date(2025, 10, 7),
        96,
        85,
    )
    assert quality.gaps == 3
    assert quality.longest_gap_minutes == 90
    assert quality.completeness == pytest.approx(85 / 96)
    assert quality.last_reading_at == DAY_START + 89 * Q


def test_refresh_quality_of_today_expects_only_the_quarters_already_over(
    sensor_and_metrics,
):
    sensor, first, _second = sensor_and_metrics
    insert_readings([(sensor.pk, first.pk, DAY_START + i * Q, 2.0) for i in range(40)])

    refresh_quality(
        sensor_ids=[sensor.pk],
        start=DAY_START,
        end=DAY_START + 40 * Q,
        now=DAY_START + 40 * Q + datetime.timedelta(minutes=20),
    )

    quality = SensorDayQuality.objects.get()
    assert (quality.expected, quality.received, quality.gaps) == (41, 40, 0)


def test_refresh_quality_records_a_silent_named_sensor_as_one_long_gap(
    sensor_and_metrics,
):
    sensor, _first, _second = sensor_and_metrics

    refresh_quality(
        sensor_ids=[sensor.pk],
        start=DAY_START,
        end=DAY_START + datetime.timedelta(days=1),
        now=DAY_START + datetime.timedelta(days=2),
    )

    quality = SensorDayQuality.objects.get()
    assert (quality.received, quality.gaps, quality.longest_gap_minutes) == (0, 1, 1440)
    assert quality.last_reading_at is None
    assert quality.completeness == 0.0
