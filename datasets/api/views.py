"""API v1: the catalogue, the places, the latest values and the readings."""

import csv
import functools
import hashlib
import math
from datetime import timedelta
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Subquery,
)
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from datasets import selectors
from datasets.access import keys
from datasets.filters import SensorFilter
from datasets.models import HourlyRollup, ParkingZone, Reading, Sensor, Street

from . import catalogue, docs, fastcache, readings
from .access import (
    AUTHENTICATE_HEADER,
    FINE,
    check_fine_scope,
    check_interval,
    key_of,
    resolve_access,
)
from .authentication import ApiKeyAuthentication
from .pagination import encode_cursor
from .params import (
    PARIS,
    ParameterError,
    parse_readings_params,
)
from .renderers import CSVRenderer, GeoJSONRenderer
from .serializers import (
    DatasetSerializer,
    SensorDetailSerializer,
    SensorSerializer,
    sensor_feature,
    street_feature,
)
from .throttling import PortalRateThrottle, add_ratelimit_headers, admit

CATALOGUE_MAX_AGE = 300


class JsonErrors:
    """Errors in JSON, whatever the view renders when it succeeds (the schema
    in YAML or OpenAPI JSON, the docs in HTML): a dead key gets the API's
    usual 401 body, never an error rendered by another renderer."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.exception:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 401:
            response["WWW-Authenticate"] = AUTHENTICATE_HEADER
        return response


class ApiSchemaView(JsonErrors, SpectacularAPIView):
    pass


class ApiDocsView(JsonErrors, SpectacularSwaggerSplitView):
    """Swagger UI from the vendored sidecar; its settings script is a separate
    URL, so the page holds no inline script or style (strict CSP)."""

    template_name = "datasets/api_docs.html"


class ApiBehaviour:
    """Rate limits with their headers, JSON errors naming the parameter."""

    throttle_classes = [PortalRateThrottle]
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    # True where the view resolves a presented key itself (in one Redis round
    # trip with its other reads).
    defer_key = False

    def initial(self, request, *args, **kwargs):
        # The API is outside i18n_patterns: messages follow the client's
        # Accept-Language (or language cookie), French by default.
        language = translation.get_language_from_request(request._request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        if not self.defer_key and keys.presented_token(request) is not None:
            resolve_access(request)  # InvalidApiKey (401) for a dead key
        super().initial(request, *args, **kwargs)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:
            raise ParameterError(
                "format",
                _("This format is not available here."),
                allowed=[renderer.format for renderer in self.get_renderers()],
            ) from None

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.exception:
            # Errors are JSON whatever format was asked for.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 401:
            response["WWW-Authenticate"] = AUTHENTICATE_HEADER
        # Answers differ with the key (or its absence): caches must know.
        patch_vary_headers(response, ("Authorization", "X-API-Key"))
        return add_ratelimit_headers(request, response)


class PortalAPIView(ApiBehaviour, APIView):
    pass


def _cacheable(response, max_age=CATALOGUE_MAX_AGE):
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


# --- Catalogue ----------------------------------------------------------------


@extend_schema(tags=["catalogue"], summary="List the datasets")
class DatasetListView(ApiBehaviour, generics.ListAPIView):
    serializer_class = DatasetSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.published_datasets()

    def list(self, request, *args, **kwargs):
        return _cacheable(super().list(request, *args, **kwargs))


@extend_schema(tags=["catalogue"], summary="One dataset, its metrics and DTPR sheet")
class DatasetDetailView(ApiBehaviour, generics.RetrieveAPIView):
    serializer_class = DatasetSerializer
    lookup_field = "slug"
    filter_backends = []

    def get_queryset(self):
        return selectors.published_datasets()

    def retrieve(self, request, *args, **kwargs):
        return _cacheable(super().retrieve(request, *args, **kwargs))


@extend_schema_view(
    get=extend_schema(
        tags=["places"],
        summary="The 26 streets (GeoJSON FeatureCollection)",
        operation_id="streets_list",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="GeoJSON")},
    )
)
class StreetListView(PortalAPIView):
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    def get(self, request):
        streets = Street.objects.order_by("name")
        data = {
            "type": "FeatureCollection",
            "features": [street_feature(street) for street in streets],
        }
        return _cacheable(Response(data))


@extend_schema_view(
    get=extend_schema(
        tags=["places"],
        summary="One street (GeoJSON Feature) with its sensors and parking zones",
        operation_id="streets_detail",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="GeoJSON")},
    )
)
class StreetDetailView(PortalAPIView):
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    def get(self, request, slug):
        street = (
            Street.objects.prefetch_related(
                Prefetch("sensors", queryset=Sensor.objects.order_by("code")),
                Prefetch(
                    "parking_zones", queryset=ParkingZone.objects.order_by("code")
                ),
            )
            .filter(slug=slug)
            .first()
        )
        if street is None:
            raise Http404
        zones = [
            {"code": zone.code, "type": zone.zone_type, "capacity": zone.capacity}
            for zone in street.parking_zones.all()
        ]
        feature = street_feature(
            street,
            sensor_codes=[sensor.code for sensor in street.sensors.all()],
            zones=zones,
        )
        return _cacheable(Response(feature))


@extend_schema_view(
    get=extend_schema(
        tags=["places"],
        summary="The sensors (JSON, or GeoJSON with format=geojson)",
        operation_id="sensors_list",
        parameters=docs.SENSOR_LIST_PARAMETERS,
        # Each format its own shape (schemathesis checks answers against it).
        responses={
            (200, "application/json"): SensorSerializer(many=True),
            (200, "application/geo+json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="GeoJSON FeatureCollection"
            ),
        },
    )
)
class SensorListView(PortalAPIView):
    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    def get(self, request):
        query = request.query_params.copy()
        query.pop("format", None)
        filterset = SensorFilter(query, queryset=selectors.sensors_for_listing())
        if not filterset.is_valid():
            name, errors = next(iter(filterset.errors.items()))
            field = filterset.form.fields[name]
            allowed = [value for value, _label in getattr(field, "choices", [])]
            raise ParameterError(
                name, " ".join(errors), allowed=[a for a in allowed if a] or None
            )
        data = SensorSerializer(filterset.qs.distinct(), many=True).data
        if request.accepted_renderer.format == "geojson":
            data = {
                "type": "FeatureCollection",
                "features": [sensor_feature(item) for item in data],
            }
        return _cacheable(Response(data))


@extend_schema_view(
    get=extend_schema(
        tags=["places"],
        summary="One sensor with its DTPR sheet and 7 days of data quality",
        operation_id="sensors_detail",
        responses={200: SensorDetailSerializer},
    )
)
class SensorDetailView(PortalAPIView):
    def get(self, request, code):
        today = timezone.now().astimezone(PARIS).date()
        try:
            sensor = selectors.sensor_with_sheet_and_quality(code, today=today)
        except Sensor.DoesNotExist:
            raise Http404 from None
        return _cacheable(Response(SensorDetailSerializer(sensor).data), 60)


# --- Values -------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        tags=["values"],
        summary="The latest value per sensor and metric",
        operation_id="latest_list",
        description=(
            "Without a key the latest hourly aggregate (metric's default "
            "aggregation); with fine access the latest 15-minute value."
        ),
        parameters=docs.LATEST_PARAMETERS,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
)
class LatestView(PortalAPIView):
    def get(self, request):
        allowed = ("dataset", "sensor", "street", "format")
        for name in request.query_params:
            if name not in allowed:
                raise ParameterError(
                    name,
                    _("Unknown parameter %(name)s.") % {"name": name},
                    allowed=allowed,
                )
        fine = resolve_access(request) == FINE
        params = parse_readings_params(
            {
                key: request.query_params.get(key)
                for key in ("dataset", "sensor", "street")
                if request.query_params.get(key)
            }
        )
        selection = readings.resolve_selection(params)
        key = key_of(request)
        if fine and key is not None:
            # A key reads 15-minute values of its grant's datasets only.
            fine = {m.dataset for m in selection.metrics.values()} <= key.datasets
        results = latest_values(selection, params, fine=fine)
        body = {"interval": "15min" if fine else "hour", "results": results}
        response = _cacheable(Response(body), 60)
        if fine:
            # Key-restricted values: never in a shared cache.
            response["Cache-Control"] = "private, max-age=60"
        return response


def _latest_value_expression(metric, *, fine):
    if fine:
        return F("value")
    if metric.agg == "avg":
        return ExpressionWrapper(F("total") / F("count"), output_field=FloatField())
    return F({"sum": "total", "min": "minimum", "max": "maximum"}[metric.agg])


def latest_values(selection, params, *, fine):
    """Latest value per (sensor, metric) in one query, whatever the count.

    Two correlated subqueries per metric walk the primary key backwards
    (one index probe each).
    """
    model = Reading if fine else HourlyRollup
    sensors = Sensor.objects.using(readings.read_database()).filter(
        datasets__slug__in={m.dataset for m in selection.metrics.values()}
    )
    if selection.sensor_ids is not None:
        sensors = sensors.filter(id__in=selection.sensor_ids)
    annotations = {}
    for metric_id, metric in selection.metrics.items():
        latest = model.objects.filter(
            sensor_id=OuterRef("pk"), metric_id=metric_id
        ).order_by("-period_start")
        annotations[f"t{metric_id}"] = Subquery(latest.values("period_start")[:1])
        annotations[f"v{metric_id}"] = Subquery(
            latest.annotate(
                latest_value=_latest_value_expression(metric, fine=fine)
            ).values("latest_value")[:1],
            output_field=FloatField(),
        )
    if not annotations:
        return []
    rows = (
        sensors.distinct()
        .annotate(**annotations)
        .order_by("code")
        .values("code", "street__slug", *annotations)
    )
    results = []
    step = timedelta(minutes=15) if fine else timedelta(hours=1)
    for row in rows:
        for metric_id, metric in selection.metrics.items():
            period = row[f"t{metric_id}"]
            if period is None:
                continue
            value = row[f"v{metric_id}"]
            if fine:
                if metric.min_published_count and value < metric.min_published_count:
                    value = None
            elif metric.agg == "avg" and metric.scale == "decibel":
                value = 10 * math.log10(value) if value and value > 0 else None
            results.append(
                {
                    "sensor": row["code"],
                    "street": row["street__slug"],
                    "dataset": metric.dataset,
                    "metric": metric.slug,
                    "unit": metric.unit,
                    "period_start": period.astimezone(PARIS).isoformat(),
                    "period_end": (period + step).astimezone(PARIS).isoformat(),
                    "value": None if value is None else round(value, 3),
                }
            )
    return results


def freshness(params, now):
    """Seconds a response may be reused: long once the whole range is past."""
    if params.end > now:
        return getattr(settings, "API_CURRENT_MAX_AGE", 60)
    if params.end > now - timedelta(days=1):
        return getattr(settings, "API_RECENT_MAX_AGE", 300)
    return getattr(settings, "API_PAST_MAX_AGE", 86400)


def _cache_control(params, max_age):
    scope = "private" if params.interval == "15min" else "public"
    return f"{scope}, max-age={max_age}"


def _not_modified(request, cached):
    match = request.META.get("HTTP_IF_NONE_MATCH", "")
    return cached["etag"] in [tag.strip() for tag in match.split(",")]


class _StoreWhenSent(HttpResponse):
    """A response that hands its answer to the response cache once sent.

    The server calls ``close()`` after the last byte went out; the write
    itself travels with the next keyed request's admission round trip
    (``fastcache.set_later``): no Redis round trip of its own.
    """

    store = None

    def close(self):
        try:
            if self.store is not None:
                store, self.store = self.store, None
                store()
        finally:
            super().close()


def _cached_response(request, cached, *, store=None):
    response_class = HttpResponse if store is None else _StoreWhenSent
    if _not_modified(request, cached):
        response = response_class(status=304)
    else:
        response = response_class(cached["body"], content_type=cached["content_type"])
    if store is not None:
        response.store = store
    response["ETag"] = cached["etag"]
    response["Cache-Control"] = cached["cache_control"]
    response["Expires"] = http_date(cached["expires"])
    if cached.get("link"):
        response["Link"] = cached["link"]
    return response


def _check_access(request, params, selection=None):
    interval = params.interval if params is not None else "15min"
    check_interval(request, interval)
    if interval == "15min" and selection is not None:
        check_fine_scope(request, _datasets_of(selection))


def _datasets_of(selection):
    return sorted({metric.dataset for metric in selection.metrics.values()})


def _page_url(request, query, cursor):
    query = query.copy()
    query["cursor"] = cursor
    return (
        request.build_absolute_uri(request.path)
        + "?"
        + urlencode(sorted(query.lists()), doseq=True)
    )


@extend_schema_view(
    get=extend_schema(
        tags=["values"],
        summary="Readings: values per interval, filtered and aggregated",
        operation_id="readings_list",
        description=docs.READINGS_DESCRIPTION,
        parameters=docs.READINGS_PARAMETERS,
        responses={
            (200, "application/json"): OpenApiResponse(
                docs.ReadingsPageSerializer, description="A page of values."
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The page as CSV (format=csv)."
            ),
            (400, "application/json"): OpenApiResponse(
                docs.ErrorSerializer, description="Bad parameter"
            ),
            (401, "application/json"): OpenApiResponse(
                docs.ErrorSerializer,
                description="API key malformed, unknown, expired or revoked",
            ),
            (403, "application/json"): OpenApiResponse(
                docs.ErrorSerializer,
                description="Key needed, or dataset outside the key's grant",
            ),
            (429, "application/json"): OpenApiResponse(
                docs.ErrorSerializer, description="Rate limited"
            ),
        },
        examples=docs.READINGS_EXAMPLES,
    )
)
class ReadingsView(PortalAPIView):
    renderer_classes = [JSONRenderer, CSVRenderer]
    defer_key = True

    def perform_content_negotiation(self, request, force=False):
        # The common case without DRF's negotiation machinery.
        if request.query_params.get("format", "json") == "json" and (
            "text/csv" not in request.META.get("HTTP_ACCEPT", "")
        ):
            return (self.renderer_classes[0](), JSONRenderer.media_type)
        return super().perform_content_negotiation(request, force=force)

    def initial(self, request, *args, **kwargs):
        self._throttle_pending = True
        super().initial(request, *args, **kwargs)

    def check_throttles(self, request):
        # Done in get(): the rate-limit counter and the response cache share
        # one Redis round trip.
        self._throttle_pending = True

    def _throttle_now(self, request):
        if getattr(self, "_throttle_pending", False):
            self._throttle_pending = False
            super().check_throttles(request)

    def handle_exception(self, exc):
        try:
            self._throttle_now(self.request)
        except Exception as throttled:  # noqa: BLE001 - Throttled wins
            exc = throttled
        return super().handle_exception(exc)

    @classmethod
    def as_view(cls, **initkwargs):
        """DRF's view, behind the plain Django path of keyed JSON reads.

        The returned function carries the DRF view's attributes (``cls``,
        ``initkwargs``, ``csrf_exempt``): the OpenAPI schema, generated from
        this class, is unchanged.
        """
        drf_view = super().as_view(**initkwargs)

        def view(request, *args, **kwargs):
            # Tried already when the request came through the keyed lane
            # (datasets.api.middleware.KeyedReadingsMiddleware).
            if request.method == "GET" and not hasattr(request, "_keyed_lane"):
                response = fast_readings(request)
                if response is not None:
                    return response
            return drf_view(request, *args, **kwargs)

        functools.update_wrapper(view, drf_view)
        return view

    def get(self, request):
        query = request.query_params
        token, _digest = keys.presented(request)
        if token == "":
            admit(request)  # refused before any lookup: 401 saying why
        if token is None and query.get("interval") == "15min":
            _check_access(request, None)
        params = parse_readings_params(query)
        if request.accepted_renderer.format == "csv" and params.format != "csv":
            params = parse_readings_params({**query.dict(), "format": "csv"})
        self._throttle_pending = False
        return answer_readings(request, query, params)


def answer_readings(request, query, params):
    """The answer of the readings endpoint once its parameters are parsed:
    one Redis round trip (the rate limits, the cached answer, the version of
    the in-memory catalogue and, for a key, its record, its usage meter and
    its last use), then the cached answer or one query. ``request`` is DRF's
    or Django's."""
    key_source = "|".join((request.get_host(), request.path, *params.cache_key_parts()))
    cache_key = "api:readings:v2:" + hashlib.sha1(key_source.encode()).hexdigest()
    cached, version = admit(request, [cache_key, catalogue.VERSION_KEY])
    _check_access(request, params)
    if cached is not None:
        if params.interval == "15min":
            check_fine_scope(request, cached.get("datasets", ()))
        return _cached_response(request, cached)

    selection = readings.resolve_selection(
        params, catalogue.current(catalogue.ensure_version(version))
    )
    _check_access(request, params, selection)
    rows, next_key = readings.fetch_page(params, selection)
    next_url = None
    if next_key is not None:
        next_url = _page_url(request, query, encode_cursor(next_key))
    if params.format == "csv":
        body = _csv_bytes(rows)
        content_type = "text/csv; charset=utf-8"
    else:
        body = orjson.dumps(
            {
                "meta": {
                    "interval": params.interval,
                    "by": params.by,
                    "start": params.start.astimezone(PARIS).isoformat(),
                    "end": params.end.astimezone(PARIS).isoformat(),
                    "timezone": "Europe/Paris",
                    "metrics": readings.metric_meta(selection),
                },
                "next": next_url,
                "results": rows,
            }
        )
        content_type = "application/json"
    now = timezone.now()
    max_age = freshness(params, now)
    cached = {
        "body": body,
        "content_type": content_type,
        "etag": '"' + hashlib.sha1(body).hexdigest()[:20] + '"',
        "cache_control": _cache_control(params, max_age),
        "expires": (now + timedelta(seconds=max_age)).timestamp(),
        "link": f'<{next_url}>; rel="next"' if next_url else "",
        "datasets": _datasets_of(selection),
    }
    return _cached_response(
        request, cached, store=lambda: fastcache.set_later(cache_key, cached, max_age)
    )


# The headers DRF's APIView gives every answer of ReadingsView.
_DRF_HEADERS = {"Allow": "GET, HEAD, OPTIONS", "Vary": "Accept"}


def fast_readings(request):
    """The readings endpoint as a plain Django view, for a GET with an API
    key asking for JSON: DRF's Request, content negotiation, authentication
    classes and dispatch cost more CPU than the query of a sensor-day.

    The same answers, headers and JSON errors as the DRF view (the tests run
    both); None hands the request to DRF (no key, a refused key, CSV, a
    parameter error: before any side effect here).
    """
    request._keyed_lane = True
    query = request.GET
    if query.get("format", "json") != "json" or "text/csv" in request.META.get(
        "HTTP_ACCEPT", ""
    ):
        return None
    token, _digest = keys.presented(request)
    if not token:
        return None
    language = translation.get_language_from_request(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    try:
        params = parse_readings_params(query)
    except ParameterError:
        return None  # DRF counts the request first, then names the parameter
    try:
        response = answer_readings(request, query, params)
    except Exception as exc:  # noqa: BLE001 - DRF's handler decides, or re-raises
        response = _json_error(request, exc)
    for name, value in _DRF_HEADERS.items():
        response[name] = value
    if response.status_code == 401:
        response["WWW-Authenticate"] = AUTHENTICATE_HEADER
    patch_vary_headers(response, ("Authorization", "X-API-Key", "Accept-Language"))
    # What LocaleMiddleware, XFrameOptionsMiddleware and CommonMiddleware add,
    # for the keyed readings lane that skips them (datasets.api.middleware).
    response.headers.setdefault("Content-Language", language)
    response.headers.setdefault(
        "X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()
    )
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return add_ratelimit_headers(request, response)


def _json_error(request, exc):
    """What DRF's ``handle_exception`` answers for ``exc``, as JSON."""
    handler = api_settings.EXCEPTION_HANDLER
    response = handler(
        exc, {"request": request, "view": None, "args": (), "kwargs": {}}
    )
    if response is None:
        raise exc
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = JSONRenderer.media_type
    response.renderer_context = {"request": request, "response": response}
    return response.render()  # no view handler renders it in the lane


class _Echo:
    def write(self, value):
        return value


def _csv_bytes(rows):
    lines = [",".join(readings.CSV_COLUMNS)]
    writer = csv.writer(_Echo(), lineterminator="")
    for row in rows:
        lines.append(
            writer.writerow(
                [readings.csv_value(row[column]) for column in readings.CSV_COLUMNS]
            )
        )
    return ("\n".join(lines) + "\n").encode()


def stream_csv(rows, *, lines_per_chunk=1000):
    """Yield the CSV in chunks of lines: memory stays flat whatever the range."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield ",".join(readings.CSV_COLUMNS) + "\n"
    columns = readings.CSV_COLUMNS
    value = readings.csv_value
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([value(row[column]) for column in columns]))
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


@extend_schema_view(
    get=extend_schema(
        tags=["values"],
        summary="Export readings as one streamed CSV file (any range)",
        operation_id="readings_export",
        description=docs.EXPORT_DESCRIPTION,
        parameters=docs.EXPORT_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (400, "application/json"): OpenApiResponse(docs.ErrorSerializer),
            (401, "application/json"): OpenApiResponse(docs.ErrorSerializer),
            (403, "application/json"): OpenApiResponse(docs.ErrorSerializer),
        },
    )
)
class ReadingsExportView(PortalAPIView):
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        # The body is always CSV; JSON only renders errors.
        return (JSONRenderer(), JSONRenderer.media_type)

    def get(self, request):
        if request.query_params.get("interval") == "15min":
            _check_access(request, None)
        params = parse_readings_params(request.query_params, export=True)
        _check_access(request, params)
        selection = readings.resolve_selection(params)
        _check_access(request, params, selection)
        rows = readings.iterate_export(params, selection)
        response = StreamingHttpResponse(
            stream_csv(rows), content_type="text/csv; charset=utf-8"
        )
        name = "-".join(
            part
            for part in (
                "openbatignolles",
                params.dataset or "readings",
                params.interval,
                params.start.astimezone(PARIS).strftime("%Y%m%d"),
                params.end.astimezone(PARIS).strftime("%Y%m%d"),
            )
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response["Cache-Control"] = _cache_control(
            params, freshness(params, timezone.now())
        )
        return response


__all__ = [
    "DatasetDetailView",
    "DatasetListView",
    "LatestView",
    "ReadingsExportView",
    "ReadingsView",
    "SensorDetailView",
    "SensorListView",
    "StreetDetailView",
    "StreetListView",
]
