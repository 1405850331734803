import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
)

from portal.clientip import client_ip

from . import charts, geo, reference, selectors, services
from .api.params import PARIS, max_range_days
from .forms import FeedbackForm, MapFilterForm
from .models import Sensor

logger = logging.getLogger(__name__)

FEEDBACK_PER_HOUR = 5


def _dtpr_context(sheet):
    if sheet is None:
        return None
    return {
        "sheet": sheet,
        "categories": reference.dtpr_categories(sheet),
        "retention": reference.format_duration(sheet.retention_days),
    }


def _paris_today():
    return timezone.now().astimezone(PARIS).date()


@require_GET
def catalogue(request):
    datasets = list(selectors.published_datasets_with_counts())
    for dataset in datasets:
        # The sheet's signs, without the accountable organisation's name.
        dataset.dtpr_signs = (
            reference.dtpr_categories(dataset.dtpr_sheet) if dataset.dtpr_sheet else []
        )
    return render(request, "datasets/dataset_list.html", {"datasets": datasets})


@require_GET
def dataset_detail(request, slug):
    dataset = get_object_or_404(selectors.published_datasets(), slug=slug)
    metrics = list(dataset.metrics.all())
    today = _paris_today()
    # The 7 complete days before today.
    days = [today - timedelta(days=offset) for offset in range(7, 0, -1)]
    labels = [formats.date_format(day, "D j N") for day in days]
    values = selectors.daily_values_for_dataset(dataset, metrics, days=days)
    chart = charts.series_chart(
        metrics,
        days,
        labels,
        values,
        title=_("Last 7 days, all sensors, per day"),
    )
    api = reverse("api:readings")
    start, end = days[0].isoformat(), today.isoformat()
    first = metrics[0].slug if metrics else ""
    links = {
        "dataset": reverse("api:dataset-detail", args=[dataset.slug]),
        "daily": f"{api}?dataset={dataset.slug}&metric={first}"
        f"&interval=day&start={start}&end={end}",
        "hourly_csv": f"{api}?dataset={dataset.slug}&metric={first}"
        f"&interval=hour&start={start}&end={end}&format=csv",
        "export": f"{reverse('api:readings-export')}?dataset={dataset.slug}"
        f"&interval=day&start={days[0].replace(day=1).isoformat()}&end={end}",
        "sensors": f"{reverse('api:sensor-list')}?dataset={dataset.slug}",
        "latest": f"{reverse('api:latest')}?dataset={dataset.slug}",
    }
    return render(
        request,
        "datasets/dataset_detail.html",
        {
            "dataset": dataset,
            "metrics": metrics,
            "dtpr": _dtpr_context(dataset.dtpr_sheet),
            "chart": chart,
            "charted": charts.charted_metrics(metrics),
            "table": charts.table_rows(metrics, days, labels, values),
            "links": links,
            "sensor_count": dataset.sensors.count(),
        },
    )


@require_GET
def plan(request):
    form = MapFilterForm(request.GET or None)
    kinds = form.kinds()
    streets, sensors, _used = selectors.streets_and_sensors_for_map(kinds=kinds)
    return render(
        request,
        "datasets/map.html",
        {
            "form": form,
            "kinds": kinds,
            "streets": geo.streets_with_sensors(streets, sensors),
            "sensor_count": len(sensors),
            "geojson_url": reverse("datasets:map_geojson"),
        },
    )


# The catalogue changes when organisers edit it, not every minute.
MAP_CACHE_SECONDS = 300


@require_GET
def map_geojson(request):
    """The map's features as GeoJSON; ``?dataset=slug`` (repeatable) keeps the
    sensors of those datasets and marks their streets ``used``."""
    slugs = sorted(set(request.GET.getlist("dataset")))
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = "map-geojson:" + language + ":" + ",".join(slugs)
    body = cache.get(key)
    if body is None:
        datasets = None
        if slugs:
            datasets = list(selectors.published_datasets().filter(slug__in=slugs))
            unknown = sorted(set(slugs) - {dataset.slug for dataset in datasets})
            if unknown:
                return JsonResponse(
                    {
                        "detail": _("Unknown dataset: %(slugs)s.")
                        % {"slugs": ", ".join(unknown)}
                    },
                    status=400,
                )
        streets, sensors, used = selectors.streets_and_sensors_for_map(
            datasets=datasets
        )
        body = geo.feature_collection(
            streets, sensors, used_street_ids=used if slugs else None
        )
        cache.set(key, body, MAP_CACHE_SECONDS)
    response = JsonResponse(body, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=MAP_CACHE_SECONDS)
    return response


@require_GET
def api_get_started(request):
    base = request.build_absolute_uri(reverse("api:readings")).rsplit("/readings/", 1)
    max_range = max_range_days()
    # The examples ask for days that have data: yesterday and the weeks
    # before it (the demo and the simulator fill the last weeks).
    today = _paris_today()
    day = today - timedelta(days=1)
    return render(
        request,
        "datasets/api_get_started.html",
        {
            "day": day,
            "next_day": today,
            "week_start": today - timedelta(days=7),
            "month_start": today - timedelta(days=14),
            "range_start": today - timedelta(days=21),
            "api_root": base[0],
            "anon_rate": getattr(settings, "API_ANON_RATE", ""),
            "key_rate": getattr(settings, "API_KEY_RATE", ""),
            "max_quarter": max_range["15min"],
            "max_hour": max_range["hour"],
            "max_day": max_range["day"],
        },
    )


def _client_ip(request):
    # The trusted proxies' view of the client, as every limiter (clientip).
    return client_ip(request)


def _feedback_allowed(request):
    key = f"feedback-rate:{_client_ip(request)}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count <= getattr(settings, "DATASETS_FEEDBACK_PER_HOUR", FEEDBACK_PER_HOUR)


@require_http_methods(["GET", "POST"])
def sensor_detail(request, code):
    try:
        sensor = selectors.sensor_with_sheet_and_quality(code, today=_paris_today())
    except Sensor.DoesNotExist:
        raise Http404 from None
    datasets = list(sensor.datasets.all())
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            if form.is_robot():
                return redirect("datasets:feedback_thanks", code=sensor.code)
            if not _feedback_allowed(request):
                form.add_error(
                    None,
                    _(
                        "You have sent several messages in a short time. "
                        "Please try again in an hour: your text is still here."
                    ),
                )
            else:
                try:
                    services.submit_feedback(
                        message=form.cleaned_data["message"],
                        sensor=sensor,
                        dataset=datasets[0] if datasets else None,
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        author=request.user,
                    )
                except ValidationError as error:
                    form.add_error("message", error)
                except DatabaseError:
                    logger.exception("Feedback about %s not stored", sensor.code)
                    form.add_error(
                        None,
                        _(
                            "Your message could not be sent because of a "
                            "technical problem. Your text is still here: "
                            "please try again in a moment."
                        ),
                    )
                else:
                    return redirect("datasets:feedback_thanks", code=sensor.code)
    else:
        form = FeedbackForm()

    metrics = [metric for dataset in datasets for metric in dataset.metrics.all()]
    now = timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=48)
    hours = [start + timedelta(hours=n) for n in range(48)]
    labels = [formats.date_format(hour.astimezone(PARIS), "D H\\h") for hour in hours]
    values = selectors.hourly_values_for_sensor(sensor, metrics, start=start, end=end)
    last_reading = next(
        (day.last_reading_at for day in sensor.recent_quality if day.last_reading_at),
        None,
    )
    return render(
        request,
        "datasets/sensor_detail.html",
        {
            "sensor": sensor,
            "datasets": datasets,
            "metrics": metrics,
            "dtpr": _dtpr_context(sensor.effective_dtpr_sheet),
            "chart": charts.series_chart(
                metrics, hours, labels, values, title=_("Last 48 hours, per hour")
            ),
            "charted": charts.charted_metrics(metrics),
            "table": charts.table_rows(metrics, hours, labels, values),
            "quality": sensor.recent_quality,
            "last_reading": last_reading,
            "form": form,
            "api_url": reverse("api:sensor-detail", args=[sensor.code]),
            "readings_url": f"{reverse('api:readings')}?sensor={sensor.code}"
            f"&start={(_paris_today() - timedelta(days=1)).isoformat()}",
        },
    )


@require_GET
def feedback_thanks(request, code):
    sensor = get_object_or_404(Sensor, code=code)
    return render(request, "datasets/feedback_thanks.html", {"sensor": sensor})
