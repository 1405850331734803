"""The query parameters of the readings endpoints: parsed, checked, normalised.

Every mistake answers 400 with the parameter named and what it accepts. The
normalised form is also the key of the response cache, so that
``start=2025-10-07`` and ``start=2025-10-07T00:00:00+02:00`` share one entry.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

from . import pagination

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
INTERVALS = ("15min", "hour", "day")
AGGREGATIONS = ("avg", "sum", "min", "max")
GROUPS = ("sensor", "street", "all")
FORMATS = ("json", "csv")
STEPS = {"15min": timedelta(minutes=15), "hour": timedelta(hours=1)}
# Without start and end: the last day of 15-minute values, the last week of
# hours, the last 31 days.
DEFAULT_SPANS = {
    "15min": timedelta(days=1),
    "hour": timedelta(days=7),
    "day": timedelta(days=31),
}
DEFAULT_MAX_RANGE_DAYS = {"15min": 31, "hour": 366, "day": 3700}
MAX_LIST_ITEMS = 50
LIST_PARAMETERS = ("metric", "sensor", "street")
READINGS_PARAMETERS = (
    "dataset",
    "metric",
    "sensor",
    "street",
    "start",
    "end",
    "interval",
    "agg",
    "by",
    "format",
    "cursor",
    "page_size",
)
EXPORT_PARAMETERS = tuple(
    name for name in READINGS_PARAMETERS if name not in {"cursor", "page_size"}
)
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


class ParameterError(APIException):
    """400 with ``{"detail": ..., "errors": [{"parameter", "message", "allowed"}]}``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, parameter, message, *, allowed=None):
        error = {"parameter": parameter, "message": message}
        if allowed is not None:
            error["allowed"] = list(allowed)
        self.errors = [error]
        super().__init__({"detail": message, "errors": self.errors})


class FineDataForbidden(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "key_required"

    def __init__(self):
        message = _(
            "15-minute values need an API key (granted to approved projects "
            "that signed the data charter). Without a key, ask for "
            "interval=hour or interval=day."
        )
        super().__init__(
            {
                "detail": message,
                "errors": [
                    {
                        "parameter": "interval",
                        "message": message,
                        "allowed": ["hour", "day"],
                    }
                ],
            }
        )


def max_range_days():
    configured = getattr(settings, "API_MAX_RANGE_DAYS", None) or {}
    return {**DEFAULT_MAX_RANGE_DAYS, **configured}


@dataclass(frozen=True)
class ReadingsParams:
    dataset: str | None
    metrics: tuple
    sensors: tuple
    streets: tuple
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC, exclusive
    interval: str
    agg: str | None
    by: str
    format: str
    cursor: tuple | None
    page_size: int
    explicit_range: bool

    @property
    def start_day(self):
        """First Paris day whose midnight is at or after ``start``."""
        return ceil_day(self.start)

    @property
    def end_day(self):
        """First Paris day whose midnight is at or after ``end`` (exclusive)."""
        return ceil_day(self.end)

    def cache_key_parts(self):
        return (
            self.dataset or "",
            ",".join(self.metrics),
            ",".join(self.sensors),
            ",".join(self.streets),
            self.start.isoformat(),
            self.end.isoformat(),
            self.interval,
            self.agg or "",
            self.by,
            self.format,
            pagination.encode_cursor(self.cursor) if self.cursor else "",
            str(self.page_size),
        )


def ceil_day(instant):
    local = instant.astimezone(PARIS)
    day = local.date()
    if local.timetz().replace(tzinfo=None) != time(0):
        day += timedelta(days=1)
    return day


def paris_midnight(day):
    return datetime.combine(day, time(0), tzinfo=PARIS)


MIN_YEAR, MAX_YEAR = 1970, 2199


def parse_instant(name, raw):
    """An ISO 8601 date or datetime; naive values are Europe/Paris time."""
    text = raw.strip()
    # An unencoded "+02:00" arrives as " 02:00" in a query string.
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
    try:
        if len(text) == 10:
            value = datetime.combine(date.fromisoformat(text), time(0))
        else:
            value = datetime.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            name,
            _(
                "%(name)s must be an ISO 8601 date or date and time, for "
                "example 2025-10-07 or 2025-10-07T08:00:00+02:00."
            )
            % {"name": name},
        ) from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        # Year 1 or 9999 would overflow the arithmetic on the range.
        raise ParameterError(
            name,
            _("%(name)s must be between the years %(first)s and %(last)s.")
            % {"name": name, "first": MIN_YEAR, "last": MAX_YEAR},
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=PARIS)
    return value.astimezone(UTC)


def floor_instant(instant, interval):
    if interval == "day":
        local = instant.astimezone(PARIS)
        return paris_midnight(local.date()).astimezone(UTC)
    step = STEPS[interval]
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    return epoch + ((instant - epoch) // step) * step


def next_boundary(instant, interval):
    """The end of the bucket that contains ``instant``."""
    start = floor_instant(instant, interval)
    if interval == "day":
        local_day = start.astimezone(PARIS).date() + timedelta(days=1)
        return paris_midnight(local_day).astimezone(UTC)
    return start + STEPS[interval]


def _choice(query, name, choices, default):
    value = query.get(name, "")
    if value == "":
        return default
    if value not in choices:
        raise ParameterError(
            name,
            _("%(value)s is not a valid value for %(name)s.")
            % {"value": value, "name": name},
            allowed=choices,
        )
    return value


def _slug_list(query, name):
    if hasattr(query, "getlist"):
        raw = ",".join(query.getlist(name))
    else:
        raw = query.get(name) or ""
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if len(items) > MAX_LIST_ITEMS:
        raise ParameterError(
            name,
            _("At most %(count)s values are accepted for %(name)s.")
            % {"count": MAX_LIST_ITEMS, "name": name},
        )
    for item in items:
        if not SLUG_RE.match(item):
            raise ParameterError(
                name,
                _("%(value)s is not a valid identifier for %(name)s.")
                % {"value": item[:60], "name": name},
            )
    return tuple(sorted(set(items)))


def parse_readings_params(query, *, export=False, now=None):
    """Parse the query dict of /readings/ (or of the export); raise ParameterError."""
    allowed = EXPORT_PARAMETERS if export else READINGS_PARAMETERS
    for name in query:
        if name not in allowed:
            raise ParameterError(
                name,
                _("Unknown parameter %(name)s.") % {"name": name},
                allowed=allowed,
            )
    interval = _choice(query, "interval", INTERVALS, "hour")
    agg = _choice(query, "agg", AGGREGATIONS, None)
    output = _choice(query, "format", FORMATS, "csv" if export else "json")
    dataset = query.get("dataset", "").strip() or None
    if dataset and not SLUG_RE.match(dataset):
        raise ParameterError(
            "dataset",
            _("%(value)s is not a valid identifier for %(name)s.")
            % {"value": dataset[:60], "name": "dataset"},
        )
    metrics = _slug_list(query, "metric")
    sensors = _slug_list(query, "sensor")
    streets = _slug_list(query, "street")
    by = _choice(query, "by", GROUPS, "sensor" if sensors else "all")

    now = now or timezone.now()
    raw_start, raw_end = query.get("start", ""), query.get("end", "")
    if raw_start:
        start = parse_instant("start", raw_start)
    if raw_end:
        end = parse_instant("end", raw_end)
    else:
        end = next_boundary(now, interval)
        if raw_start:
            end = min(end, start + DEFAULT_SPANS[interval])
    if not raw_start:
        start = floor_instant(end - DEFAULT_SPANS[interval], interval)
    if start >= end:
        raise ParameterError("end", _("end must be later than start."))
    limit_days = max_range_days().get(interval)
    if not export and limit_days and end - start > timedelta(days=limit_days):
        raise ParameterError(
            "end",
            _(
                "The range from start to end is too long for interval=%(interval)s:"
                " at most %(days)s days per request. Split the range, choose a"
                " coarser interval, or use /api/v1/readings/export.csv."
            )
            % {"interval": interval, "days": limit_days},
        )

    cursor = None
    page_size = pagination.DEFAULT_PAGE_SIZE
    if not export:
        raw_cursor = query.get("cursor", "")
        if raw_cursor:
            try:
                cursor = pagination.decode_cursor(
                    raw_cursor, size=2 if by == "all" else 3
                )
            except pagination.InvalidCursor:
                raise ParameterError(
                    "cursor",
                    _(
                        "This cursor is not valid for this query: use the "
                        "'next' link of the previous page as it is."
                    ),
                ) from None
        raw_size = query.get("page_size", "")
        if raw_size:
            try:
                page_size = int(raw_size)
            except ValueError:
                page_size = 0
            if not 1 <= page_size <= pagination.MAX_PAGE_SIZE:
                raise ParameterError(
                    "page_size",
                    _("page_size must be a whole number from 1 to %(max)s.")
                    % {"max": pagination.MAX_PAGE_SIZE},
                )
    return ReadingsParams(
        dataset=dataset,
        metrics=metrics,
        sensors=sensors,
        streets=streets,
        start=start,
        end=end,
        interval=interval,
        agg=agg,
        by=by,
        format=output,
        cursor=cursor,
        page_size=page_size,
        explicit_range=bool(raw_start and raw_end),
    )
