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


def catalogue_figures():
    """Return the catalogue's figures: sensors, streets with a sensor, datasets.

    Sensors taken out of service (``inactive``) are not counted, nor the streets
    left without one; datasets are the published ones. Three counting queries.
    """
    from .enums import SensorStatus
    from .models import Dataset, Sensor, Street

    in_service = Sensor.objects.exclude(status=SensorStatus.INACTIVE)
    return {
        "sensors": in_service.count(),
        "streets": Street.objects.filter(pk__in=in_service.values("street_id")).count(),
        "datasets": Dataset.objects.published().count(),
    }


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


def _metric_value(metric, count, total, minimum, maximum):
    return aggregate_value(
        metric.default_aggregation,
        getattr(metric, "scale", "linear"),
        count,
        total,
        minimum,
        maximum,
    )


def daily_values_for_dataset(dataset, metrics, *, days):
    """Per metric, the value of each Paris day in ``days`` over all sensors.

    One grouped query over the daily rollups; the value uses the metric's
    default aggregation (sum of the sensors' totals, reading-weighted mean...).
    Returns ``{metric_id: {day: value}}``.
    """
    from django.db.models import Max, Min, Sum

    from .models import DailyRollup

    rows = (
        DailyRollup.objects.filter(
            metric_id__in=[metric.id for metric in metrics],
            day__gte=min(days),
            day__lte=max(days),
        )
        .values("day", "metric_id")
        .annotate(n=Sum("count"), t=Sum("total"), lo=Min("minimum"), hi=Max("maximum"))
        .order_by()
    )
    by_id = {metric.id: metric for metric in metrics}
    values = {metric.id: {} for metric in metrics}
    for row in rows:
        metric = by_id[row["metric_id"]]
        values[metric.id][row["day"]] = _metric_value(
            metric, row["n"], row["t"], row["lo"], row["hi"]
        )
    return values


def hourly_values_for_sensor(sensor, metrics, *, start, end):
    """Per metric, ``{hour start (UTC): value}`` for ``sensor`` in [start, end)."""
    from .models import HourlyRollup

    by_id = {metric.id: metric for metric in metrics}
    values = {metric.id: {} for metric in metrics}
    rows = HourlyRollup.objects.filter(
        sensor=sensor,
        metric_id__in=list(by_id),
        period_start__gte=start,
        period_start__lt=end,
    ).values_list("metric_id", "period_start", "count", "total", "minimum", "maximum")
    for metric_id, period, *columns in rows:
        values[metric_id][period] = _metric_value(by_id[metric_id], *columns)
    return values


def streets_and_sensors_for_map(*, kinds=None, datasets=None):
    """All streets and the sensors to draw (two queries), for the map.

    ``kinds`` keeps the sensors of those types; ``datasets`` (Dataset rows)
    keeps the sensors that feed one of them. Returns ``(streets, sensors,
    used_street_ids)``: the ids of the streets that hold a kept sensor.
    """
    from .models import Sensor, Street

    streets = list(Street.objects.only("id", "slug", "name", "geometry"))
    sensors = Sensor.objects.only(
        "id", "code", "kind", "street_id", "latitude", "longitude", "status"
    ).order_by("code")
    if kinds:
        sensors = sensors.filter(kind__in=kinds)
    if datasets is not None:
        sensors = sensors.filter(datasets__in=datasets).distinct()
    sensors = list(sensors)
    return streets, sensors, {sensor.street_id for sensor in sensors}


def streets_for_datasets(datasets):
    """The streets holding a sensor that feeds one of ``datasets``, by name,
    each with ``sensor_count`` (one query)."""
    from django.db.models import Count

    from .models import Street

    # The filter comes first, so the count only sees the matching sensors.
    return list(
        Street.objects.filter(sensors__datasets__in=datasets)
        .annotate(sensor_count=Count("sensors", distinct=True))
        .order_by("name")
    )


def published_datasets_with_counts():
    """Published datasets with metrics, DTPR sheet and ``sensor_count``."""
    from django.db.models import Count

    return published_datasets().annotate(sensor_count=Count("sensors", distinct=True))
