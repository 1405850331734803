"""Reads of the catalogue, the places and the aggregated values, for pages and API."""

import math


def aggregate_value(agg, scale, count, total, minimum, maximum):
    """The value of one bucket from its rollup columns.

    avg = total / count, except for decibel metrics whose ``total`` holds the
    acoustic energy (sum of 10^(L/10)): their average level is
    10·log10(total / count). sum = total (never asked for decibels).
    """
    if not count:
        return None
    if agg == "avg":
        if scale == "decibel":
            mean_energy = total / count
            return 10 * math.log10(mean_energy) if mean_energy > 0 else None
        return total / count
    if agg == "sum":
        return total
    if agg == "min":
        return minimum
    if agg == "max":
        return maximum
    raise ValueError(f"unknown aggregation {agg!r}")


def published_datasets():
    """Published datasets with their DTPR sheet and metrics (two queries)."""
    from django.db.models import Prefetch

    from .models import Dataset, Metric

    return (
        Dataset.objects.published()
        .select_related("dtpr_sheet")
        .prefetch_related(
            Prefetch("metrics", queryset=Metric.objects.order_by("position", "slug"))
        )
    )


def sensors_for_listing():
    """Sensors with street, zone and datasets (two queries for any number)."""
    from .models import Sensor

    return (
        Sensor.objects.select_related("street", "parking_zone")
        .prefetch_related("datasets")
        .order_by("code")
    )


def sensor_with_sheet_and_quality(code, *, today, days=7):
    """The sensor ``code`` with ``effective_dtpr_sheet`` and ``recent_quality``.

    The sheet is the sensor's own or else its first dataset's; the quality is
    the ``days`` Paris days up to ``today`` (newest first). Raises
    ``Sensor.DoesNotExist``.
    """
    from datetime import timedelta

    from .models import SensorDayQuality

    sensor = (
        sensors_for_listing()
        .select_related("dtpr_sheet")
        .prefetch_related("datasets__dtpr_sheet", "datasets__metrics")
        .get(code=code)
    )
    sheet = sensor.dtpr_sheet
    if sheet is None:
        datasets = list(sensor.datasets.all())
        sheet = datasets[0].dtpr_sheet if datasets else None
    sensor.effective_dtpr_sheet = sheet
    sensor.recent_quality = list(
        SensorDayQuality.objects.filter(
            sensor=sensor,
            day__gt=today - timedelta(days=days),
            day__lte=today,
        ).order_by("-day")
    )
    return sensor
