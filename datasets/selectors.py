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


def streets_and_sensors_for_plan():
    """All streets and sensors (two queries), for the plan."""
    from .models import Sensor, Street

    streets = list(Street.objects.order_by("name"))
    sensors = list(
        Sensor.objects.only(
            "id", "code", "kind", "street_id", "latitude", "longitude", "status"
        ).order_by("code")
    )
    return streets, sensors


def published_datasets_with_counts():
    """Published datasets with metrics, DTPR sheet and ``sensor_count``."""
    from django.db.models import Count

    return published_datasets().annotate(sensor_count=Count("sensors", distinct=True))


# --- Data access: grants and API keys ---------------------------------------


def grants_with_key_counts(*, now=None):
    """Every data access grant with its holder, datasets and the number of its
    active keys (``active_keys``): three queries for a page, whatever its size.
    """
    from django.db.models import Count, Q
    from django.utils import timezone

    from .models import DataGrant

    now = now or timezone.now()
    return (
        DataGrant.objects.select_related("holder")
        .prefetch_related("datasets")
        .annotate(
            active_keys=Count(
                "keys",
                filter=Q(keys__revoked_at__isnull=True, keys__expires_at__gt=now),
            )
        )
        .order_by("-created_at", "-id")
    )


def grants_for_backoffice(params, *, now=None):
    """The grants matching the back-office filters ``params`` (a QueryDict):
    ``state`` (active, expired, revoked) and ``q`` (project or holder email).
    Return the bound ``DataGrantFilter``; its ``qs`` is the list."""
    from .filters import DataGrantFilter

    return DataGrantFilter(params, queryset=grants_with_key_counts(now=now))


def _keys_queryset():
    from .models import ApiKey

    return ApiKey.objects.select_related("replaced_by").order_by("-created_at", "-id")


def grant_for_backoffice(pk):
    """One grant with its holder, granter, datasets and keys, or 404."""
    from django.db.models import Prefetch
    from django.shortcuts import get_object_or_404

    from .models import DataGrant

    return get_object_or_404(
        DataGrant.objects.select_related("holder", "granted_by").prefetch_related(
            "datasets", Prefetch("keys", queryset=_keys_queryset())
        ),
        pk=pk,
    )


def grants_of(user):
    """The grants ``user`` holds, newest first, with datasets and keys (three
    queries). Nobody else's grant is ever in it."""
    from django.db.models import Prefetch

    from .models import DataGrant

    return (
        DataGrant.objects.filter(holder=user)
        .prefetch_related("datasets", Prefetch("keys", queryset=_keys_queryset()))
        .order_by("-created_at", "-id")
    )


def key_of_holder(user, pk):
    """The API key ``pk`` if ``user`` holds its grant, else 404."""
    from django.shortcuts import get_object_or_404

    from .models import ApiKey

    return get_object_or_404(
        ApiKey.objects.select_related("grant"), pk=pk, grant__holder=user
    )


def grant_of_holder(user, pk):
    """The grant ``pk`` if ``user`` holds it, else 404."""
    from django.shortcuts import get_object_or_404

    from .models import DataGrant

    return get_object_or_404(
        DataGrant.objects.prefetch_related("datasets"), pk=pk, holder=user
    )


def events_of_grant(grant):
    """The audit events of ``grant`` and of its keys, newest first, with their
    actors (one query, plus the content types Django caches)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from portal.audit.models import AuditEvent

    from .models import ApiKey, DataGrant

    key_ids = [str(key.pk) for key in grant.keys.all()]
    return list(
        AuditEvent.objects.filter(
            Q(
                target_type=ContentType.objects.get_for_model(DataGrant),
                target_id=str(grant.pk),
            )
            | Q(
                target_type=ContentType.objects.get_for_model(ApiKey),
                target_id__in=key_ids,
            )
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def access_state(obj, now):
    """The state of a grant or a key at ``now``: ``revoked``, ``expired``,
    ``rotated`` (a replaced key still in its grace period) or ``active``."""
    if obj.revoked_at is not None:
        return "revoked"
    if obj.expires_at <= now:
        return "expired"
    if getattr(obj, "replaced_by_id", None) is not None:
        return "rotated"
    return "active"
