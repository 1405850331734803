import datetime
import math

import pytest
from django.db import IntegrityError

from datasets.enums import MetricScale
from datasets.models import DailyRollup, Reading
from tests.datasets.factories import (
    DatasetFactory,
    MetricFactory,
    ParkingZoneFactory,
    SensorFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def test_reading_natural_key_rejects_a_second_value_for_the_same_period():
    metric = MetricFactory()
    sensor = SensorFactory(datasets=[metric.dataset])
    start = datetime.datetime(2025, 10, 7, 8, 0, tzinfo=UTC)
    Reading.objects.create(sensor=sensor, metric=metric, period_start=start, value=3)

    with pytest.raises(IntegrityError):
        Reading.objects.create(
            sensor=sensor, metric=metric, period_start=start, value=4
        )


def test_daily_rollup_average_of_decibel_metric_is_the_energy_mean():
    metric = MetricFactory(scale=MetricScale.DECIBEL, unit="dB(A)")
    sensor = SensorFactory(datasets=[metric.dataset])
    energy = 10 ** (50 / 10) + 10 ** (70 / 10)
    rollup = DailyRollup.objects.create(
        sensor=sensor,
        metric=metric,
        day=datetime.date(2025, 10, 7),
        count=2,
        total=energy,
        minimum=50,
        maximum=70,
    )

    assert rollup.average == pytest.approx(10 * math.log10(energy / 2))
    assert rollup.average == pytest.approx(67.0329, abs=1e-4)


def test_sensor_factory_feeds_only_the_given_datasets():
    dataset = DatasetFactory(slug="pedestrian-flows")
    zone = ParkingZoneFactory()

    plain = SensorFactory()
    feeding = SensorFactory(datasets=[dataset], parking_zone=zone)

    assert list(plain.datasets.all()) == []
    assert list(feeding.datasets.values_list("slug", flat=True)) == ["pedestrian-flows"]
    assert feeding.parking_zone.street.slug.startswith("rue-test-")
