"""A small world for the API tests: two datasets, two streets, three sensors,
15-minute readings and the hourly and daily rollups computed from them here.
"""

import datetime
import math
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest

from datasets.enums import Aggregation, MetricScale
from datasets.models import DailyRollup, HourlyRollup, Reading
from tests.datasets.factories import (
    DatasetFactory,
    MetricFactory,
    SensorFactory,
    StreetFactory,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def store_readings(rows):
    """Store ``(sensor, metric, period_start, value)`` and (re)build the rollups."""
    Reading.objects.bulk_create(
        [Reading(sensor=s, metric=m, period_start=t, value=v) for s, m, t, v in rows]
    )
    rebuild_rollups()


def rebuild_rollups():
    HourlyRollup.objects.all().delete()
    DailyRollup.objects.all().delete()
    hours = defaultdict(list)
    days = defaultdict(list)
    decibel = {}
    for reading in Reading.objects.select_related("metric"):
        decibel[reading.metric_id] = reading.metric.scale == MetricScale.DECIBEL
        hour = reading.period_start.replace(minute=0, second=0, microsecond=0)
        day = reading.period_start.astimezone(PARIS).date()
        hours[(reading.sensor_id, reading.metric_id, hour)].append(reading.value)
        days[(reading.sensor_id, reading.metric_id, day)].append(reading.value)

    def columns(key, values):
        energy = decibel[key[1]]
        total = sum(10 ** (v / 10) for v in values) if energy else sum(values)
        return {
            "sensor_id": key[0],
            "metric_id": key[1],
            "count": len(values),
            "total": total,
            "minimum": min(values),
            "maximum": max(values),
        }

    HourlyRollup.objects.bulk_create(
        [HourlyRollup(period_start=k[2], **columns(k, v)) for k, v in hours.items()]
    )
    DailyRollup.objects.bulk_create(
        [DailyRollup(day=k[2], **columns(k, v)) for k, v in days.items()]
    )


def quarter_hours(start, end):
    moment = start
    while moment < end:
        yield moment
        moment += datetime.timedelta(minutes=15)


@pytest.fixture
def world(db):
    pedestrians = DatasetFactory(slug="pedestrian-flows", position=0)
    sound = DatasetFactory(slug="sound-levels", position=1)
    ped_in = MetricFactory(
        dataset=pedestrians,
        slug="pedestrians_in",
        default_aggregation=Aggregation.SUM,
        position=0,
    )
    ped_out = MetricFactory(
        dataset=pedestrians,
        slug="pedestrians_out",
        default_aggregation=Aggregation.SUM,
        position=1,
    )
    laeq = MetricFactory(
        dataset=sound,
        slug="laeq",
        unit="dB(A)",
        default_aggregation=Aggregation.AVG,
        scale=MetricScale.DECIBEL,
        min_value=20,
        max_value=130,
    )
    batignolles = StreetFactory(slug="rue-des-batignolles", name="Rue des Batignolles")
    dames = StreetFactory(slug="rue-des-dames", name="Rue des Dames")
    ped1 = SensorFactory(code="PED-001", street=batignolles, datasets=[pedestrians])
    ped2 = SensorFactory(code="PED-002", street=batignolles, datasets=[pedestrians])
    ped3 = SensorFactory(code="PED-003", street=dames, datasets=[pedestrians])
    snd1 = SensorFactory(
        code="SND-001", street=dames, kind="sound_level_meter", datasets=[sound]
    )
    return {
        "pedestrians": pedestrians,
        "sound": sound,
        "ped_in": ped_in,
        "ped_out": ped_out,
        "laeq": laeq,
        "batignolles": batignolles,
        "dames": dames,
        "ped1": ped1,
        "ped2": ped2,
        "ped3": ped3,
        "snd1": snd1,
    }


@pytest.fixture
def october_day(world):
    """2025-10-07 (Paris) for PED-001/2/3: pedestrians_in = sensor number,
    pedestrians_out = 2; SND-001 laeq alternating 50 and 60 dB(A)."""
    start = datetime.datetime(2025, 10, 7, tzinfo=PARIS).astimezone(UTC)
    end = start + datetime.timedelta(days=1)
    rows = []
    for number, sensor in enumerate(
        [world["ped1"], world["ped2"], world["ped3"]], start=1
    ):
        for moment in quarter_hours(start, end):
            rows.append((sensor, world["ped_in"], moment, float(number)))
            rows.append((sensor, world["ped_out"], moment, 2.0))
    for index, moment in enumerate(quarter_hours(start, end)):
        rows.append((world["snd1"], world["laeq"], moment, 50.0 if index % 2 else 60.0))
    store_readings(rows)
    return world


@pytest.fixture
def warm_catalogue(october_day):
    """The world, with this process's in-memory catalogue already read."""
    from datasets.api import catalogue

    catalogue.current()
    return october_day


def energy_mean(levels):
    return 10 * math.log10(sum(10 ** (v / 10) for v in levels) / len(levels))


@pytest.fixture
def grant(holder, october_day, organiser):
    """90 days of 15-minute pedestrian flows for ``holder``."""
    from tests.datasets.conftest import make_grant

    return make_grant(holder, [october_day["pedestrians"]], organiser)


@pytest.fixture
def real_redis_cache(settings, redis_url):
    """The default cache on the real Redis (emptied before and after)."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "test-api",
        }
    }
    cache.clear()
    yield
    cache.clear()
