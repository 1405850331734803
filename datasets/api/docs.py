"""OpenAPI documentation of the API: parameters, examples, response shapes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

from .pagination import MAX_PAGE_SIZE

Q = OpenApiParameter.QUERY

READINGS_DESCRIPTION = """
Values of the sensors per interval, aggregated with `agg`.

* `interval=15min` comes from the stored 15-minute values and needs an API key
  (`Authorization: Bearer obk_...`), for the datasets of the key's grant;
  `hour` and `day` come from the rollups and are open to all. A dead key
  (mistyped, expired, revoked) answers 401 on every endpoint.
* Hour and day buckets follow Europe/Paris time: a day is a Paris calendar
  day (23 or 25 hours on daylight-saving days). Times are ISO 8601 with their
  offset (`+01:00` in winter, `+02:00` in summer).
* `start` and `end` are dates or datetimes; naive values are Paris time;
  `end` is exclusive. A bucket is included when it starts in [start, end).
* Several sensors are combined per bucket unless `by=sensor` (the default
  when `sensor` is given): avg is weighted by the number of readings, sum adds
  the totals, min and max take the extremes.
* Decibel metrics (sound levels) average acoustic energy:
  10·log10(mean of 10^(L/10)); `agg=sum` is refused for them.
* Pages follow the `next` link (also sent as a `Link` header); cursors are
  opaque. No total count is computed.
* Range limits per request: 15min 31 days, hour 366 days, day 3700 days.
  Longer ranges: `/api/v1/readings/export.csv`.
* Responses for past ranges are cacheable (`Cache-Control`, `ETag`).
"""

EXPORT_DESCRIPTION = """
The same filters as `/api/v1/readings/`, as one CSV file streamed row by row
(constant memory), for any range. Rows are ordered by sensor, metric and time
when `by=sensor`, by time otherwise.
"""

COMMON = [
    OpenApiParameter(
        "dataset",
        OpenApiTypes.STR,
        Q,
        description="Dataset identifier.",
        enum=[
            "pedestrian-flows",
            "vehicle-counts",
            "parking-occupancy",
            "sound-levels",
            "light-dimming",
        ],
    ),
    OpenApiParameter(
        "metric",
        OpenApiTypes.STR,
        Q,
        description="Metric identifier(s), comma-separated (e.g. pedestrians_in).",
    ),
    OpenApiParameter(
        "sensor",
        OpenApiTypes.STR,
        Q,
        description="Sensor code(s), comma-separated (e.g. PED-001).",
    ),
    OpenApiParameter(
        "street",
        OpenApiTypes.STR,
        Q,
        description="Street identifier(s), comma-separated (e.g. rue-des-batignolles).",
    ),
    OpenApiParameter(
        "start",
        OpenApiTypes.STR,
        Q,
        description="Start (inclusive): 2025-10-07 or 2025-10-07T08:00:00+02:00. "
        "Default: end minus 1 day (15min), 7 days (hour) or 31 days (day).",
        examples=[OpenApiExample("A date", value="2025-10-07")],
    ),
    OpenApiParameter(
        "end",
        OpenApiTypes.STR,
        Q,
        description="End (exclusive), same forms as start. Default: now.",
        examples=[OpenApiExample("A date", value="2025-10-08")],
    ),
    OpenApiParameter(
        "interval",
        OpenApiTypes.STR,
        Q,
        enum=["15min", "hour", "day"],
        default="hour",
        description="Bucket size; 15min needs an API key.",
    ),
    OpenApiParameter(
        "agg",
        OpenApiTypes.STR,
        Q,
        enum=["avg", "sum", "min", "max"],
        description="Aggregation; default: each metric's own (sum for counts, "
        "avg for levels and rates, max for LAmax).",
    ),
    OpenApiParameter(
        "by",
        OpenApiTypes.STR,
        Q,
        enum=["sensor", "street", "all"],
        description="One series per sensor, per street, or for all the selected "
        "sensors. Default: sensor when `sensor` is given, else all.",
    ),
]

READINGS_PARAMETERS = [
    *COMMON,
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        Q,
        enum=["json", "csv"],
        default="json",
        description="json or csv.",
    ),
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        Q,
        description="Opaque cursor from the `next` link of the previous page.",
    ),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        Q,
        default=1000,
        description=f"Rows per page, 1 to {MAX_PAGE_SIZE}.",
    ),
]

EXPORT_PARAMETERS = [*COMMON]

SENSOR_LIST_PARAMETERS = [
    OpenApiParameter("dataset", OpenApiTypes.STR, Q, description="Dataset fed."),
    OpenApiParameter("street", OpenApiTypes.STR, Q, description="Street slug."),
    OpenApiParameter(
        "kind",
        OpenApiTypes.STR,
        Q,
        enum=[
            "pedestrian_counter",
            "traffic_counter",
            "parking_sensor",
            "sound_level_meter",
            "lighting_controller",
        ],
    ),
    OpenApiParameter(
        "status", OpenApiTypes.STR, Q, enum=["active", "maintenance", "inactive"]
    ),
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        Q,
        enum=["json", "geojson"],
        description="geojson for a FeatureCollection of points.",
    ),
]

LATEST_PARAMETERS = [COMMON[0], COMMON[2], COMMON[3]]


class ErrorItemSerializer(serializers.Serializer):
    parameter = serializers.CharField()
    message = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField(), required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ErrorItemSerializer(many=True, required=False)


class ReadingRowSerializer(serializers.Serializer):
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    dataset = serializers.CharField()
    metric = serializers.CharField()
    unit = serializers.CharField()
    sensor = serializers.CharField(allow_null=True)
    street = serializers.CharField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class MetricMetaSerializer(serializers.Serializer):
    dataset = serializers.CharField()
    metric = serializers.CharField()
    unit = serializers.CharField()
    scale = serializers.ChoiceField(choices=["linear", "decibel"])
    agg = serializers.ChoiceField(choices=["avg", "sum", "min", "max"])


class ReadingsMetaSerializer(serializers.Serializer):
    interval = serializers.CharField()
    by = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    timezone = serializers.CharField()
    metrics = MetricMetaSerializer(many=True)


class ReadingsPageSerializer(serializers.Serializer):
    meta = ReadingsMetaSerializer()
    next = serializers.URLField(allow_null=True)
    results = ReadingRowSerializer(many=True)


READINGS_EXAMPLES = [
    OpenApiExample(
        "Hourly average of a street",
        response_only=True,
        value={
            "meta": {
                "interval": "hour",
                "by": "all",
                "start": "2025-10-06T00:00:00+02:00",
                "end": "2025-10-13T00:00:00+02:00",
                "timezone": "Europe/Paris",
                "metrics": [
                    {
                        "dataset": "pedestrian-flows",
                        "metric": "pedestrians_in",
                        "unit": "persons",
                        "scale": "linear",
                        "agg": "avg",
                    }
                ],
            },
            "next": None,
            "results": [
                {
                    "period_start": "2025-10-06T08:00:00+02:00",
                    "period_end": "2025-10-06T09:00:00+02:00",
                    "dataset": "pedestrian-flows",
                    "metric": "pedestrians_in",
                    "unit": "persons",
                    "sensor": None,
                    "street": None,
                    "value": 61.25,
                    "count": 8,
                }
            ],
        },
    ),
    OpenApiExample(
        "Bad parameter",
        response_only=True,
        status_codes=["400"],
        value={
            "detail": "weekly is not a valid value for interval.",
            "errors": [
                {
                    "parameter": "interval",
                    "message": "weekly is not a valid value for interval.",
                    "allowed": ["15min", "hour", "day"],
                }
            ],
        },
    ),
]


# The errors any API operation may answer, whatever its view documents: a dead
# key (401) or a refused one (403) on every endpoint that reads keys, an
# unknown object (404) where the path names one, a bad parameter (400) where
# the query has any, the limits (429) and a limiter outage (503). Each is the
# JSON body of ``ErrorSerializer``. Schemathesis (tests/security) checks every
# answer against the schema, so none may be left out.
COMMON_ERRORS = {
    "400": "A parameter is malformed, out of range or unknown.",
    "401": "The API key is malformed, unknown, expired or revoked.",
    "403": "The key may not read this (grant suspended, IP ranges, datasets).",
    "404": "Nothing has this identifier.",
    "429": "Over a rate limit: see Retry-After.",
    "503": "The limits cannot be counted at the moment: try again shortly.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document ``COMMON_ERRORS`` on
    every GET operation of the API that does not document them itself."""
    schemas = result.get("components", {}).get("schemas", {})
    if "Error" not in schemas:
        return result
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        get = operations.get("get")
        if get is None:
            continue
        has_query = any(p.get("in") == "query" for p in get.get("parameters", []))
        for status, description in COMMON_ERRORS.items():
            if status == "404" and "{" not in path:
                continue
            if status == "400" and not has_query:
                continue
            get.setdefault("responses", {}).setdefault(
                status, {"description": description, "content": body}
            )
    return result
