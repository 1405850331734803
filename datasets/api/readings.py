"""Reading the readings: resolve the catalogue, query the right table, build rows.

15-minute values come from ``Reading``; hourly and daily values from the
rollups (``count``, ``total``, ``minimum``, ``maximum``), from which every
aggregation is derived: avg = total / count (decibel: 10·log10(total / count),
``total`` holding acoustic energy), sum = total, min, max. Grouping several
sensors adds the totals and counts in SQL, so the result stays exact.
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Count, F, Max, Min, Sum
from django.db.models.functions import Power
from django.utils.translation import gettext as _
from psycopg.types.string import TextLoader

from datasets.models import DailyRollup, HourlyRollup, Reading
from datasets.selectors import aggregate_value

from . import catalogue as catalogue_module
from . import pagination
from .params import PARIS, STEPS, ParameterError

TIME_FIELDS = {"15min": "period_start", "hour": "period_start", "day": "day"}
MODELS = {"15min": Reading, "hour": HourlyRollup, "day": DailyRollup}
GROUP_FIELDS = {"sensor": "sensor_id", "street": "sensor__street_id", "all": None}
CSV_COLUMNS = (
    "period_start",
    "period_end",
    "dataset",
    "metric",
    "unit",
    "sensor",
    "street",
    "value",
    "count",
)


@dataclass
class MetricInfo:
    id: int
    slug: str
    dataset: str
    unit: str
    scale: str
    agg: str
    min_published_count: int

    def as_meta(self):
        return {
            "dataset": self.dataset,
            "metric": self.slug,
            "unit": self.unit,
            "scale": self.scale,
            "agg": self.agg,
        }


@dataclass
class Selection:
    metrics: dict  # id -> MetricInfo
    sensor_ids: list | None  # None: no restriction by sensor
    sensor_labels: dict  # id -> (code, street slug)
    street_labels: dict  # id -> slug


def _unknown(parameter, value, allowed):
    return ParameterError(
        parameter,
        _("Unknown %(name)s: %(value)s.") % {"name": parameter, "value": value},
        allowed=sorted(allowed),
    )


def resolve_selection(params, catalogue=None):
    """Turn slugs and codes into ids; raise ParameterError for unknown ones.

    Reads the in-memory catalogue (``catalogue.current()``): no query.
    """
    if catalogue is None:
        catalogue = catalogue_module.current()
    metric_rows = [
        metric
        for metric in catalogue.metrics
        if not params.dataset or metric.dataset == params.dataset
    ]
    sensor_rows = []
    if params.sensors or params.streets or params.by == "sensor":
        sensor_rows = [
            row
            for row in catalogue.sensors.values()
            if (not params.sensors or row.code in params.sensors)
            and (not params.streets or row.street in params.streets)
        ]
    if params.sensors:
        found = {row.code for row in sensor_rows}
        missing = [code for code in params.sensors if code not in found]
        if missing and not params.streets:
            raise _unknown("sensor", missing[0], catalogue.sensors)
    street_labels = {}
    if params.streets or params.by == "street":
        street_labels = {
            street_id: slug
            for slug, street_id in catalogue.streets.items()
            if not params.streets or slug in params.streets
        }
        missing = set(params.streets) - set(street_labels.values())
        if missing:
            raise _unknown("street", sorted(missing)[0], catalogue.streets)

    if params.sensors and not params.dataset and not params.metrics:
        fed = set()
        for code in params.sensors:
            row = catalogue.sensors.get(code)
            if row is not None:
                fed |= row.datasets
        metric_rows = [metric for metric in metric_rows if metric.dataset in fed]
    if params.metrics:
        metric_rows = [m for m in metric_rows if m.slug in params.metrics]
    if params.dataset and not metric_rows and not params.metrics:
        raise _unknown("dataset", params.dataset, catalogue.published_datasets)
    found = {metric.slug for metric in metric_rows}
    missing = [slug for slug in params.metrics if slug not in found]
    if missing:
        if params.dataset and params.dataset not in catalogue.published_datasets:
            raise _unknown("dataset", params.dataset, catalogue.published_datasets)
        allowed = {
            metric.slug
            for metric in catalogue.metrics
            if not params.dataset or metric.dataset == params.dataset
        }
        raise _unknown("metric", missing[0], allowed)
    if params.metrics and not params.dataset:
        slugs = [metric.slug for metric in metric_rows]
        if len(slugs) != len(set(slugs)):
            raise ParameterError(
                "dataset",
                _("Several datasets have this metric: name the dataset too."),
            )

    metrics = {}
    for metric in metric_rows:
        scale = metric.scale
        agg = params.agg or metric.default_aggregation
        if agg == "sum" and scale == "decibel":
            raise ParameterError(
                "agg",
                _(
                    "agg=sum is not allowed for %(metric)s: decibel levels do "
                    "not add up. Use avg, min or max."
                )
                % {"metric": metric.slug},
                allowed=["avg", "min", "max"],
            )
        metrics[metric.id] = MetricInfo(
            id=metric.id,
            slug=metric.slug,
            dataset=metric.dataset,
            unit=metric.unit,
            scale=scale,
            agg=agg,
            min_published_count=metric.min_published_count,
        )
    sensor_ids = None
    if params.sensors or params.streets:
        sensor_ids = [row.id for row in sensor_rows]
    return Selection(
        metrics=metrics,
        sensor_ids=sensor_ids,
        sensor_labels={row.id: (row.code, row.street) for row in sensor_rows},
        street_labels=street_labels,
    )


def read_database():
    """The alias the API reads values from: a read-only replica when the
    settings name one (``API_READ_DATABASE``), else the primary."""
    return getattr(settings, "API_READ_DATABASE", "default")


def base_queryset(params, selection):
    model = MODELS[params.interval]
    time_field = TIME_FIELDS[params.interval]
    # Every values query names its metrics (hence its dataset) and, below
    # the dataset level, its sensors: it can be routed to one shard (Citus,
    # distributed by sensor_id) or pruned to the partitions of its range.
    queryset = model.objects.using(read_database()).filter(
        metric_id__in=list(selection.metrics)
    )
    if selection.sensor_ids is not None:
        queryset = queryset.filter(sensor_id__in=selection.sensor_ids)
    if params.interval == "day":
        queryset = queryset.filter(day__gte=params.start_day, day__lt=params.end_day)
    else:
        queryset = queryset.filter(
            **{f"{time_field}__gte": params.start, f"{time_field}__lt": params.end}
        )
    return queryset


def key_fields(params):
    group = GROUP_FIELDS[params.by]
    fields = [TIME_FIELDS[params.interval]]
    if group:
        fields.append(group)
    fields.append("metric_id")
    return fields


def readings_queryset(params, selection, *, after=None, ordered_for_export=False):
    """The values query: tuples ``(period, group, metric, count, total, min, max)``.

    For 15-minute values of one sensor the tuple is ``(period, sensor, metric,
    value)``. ``after`` is a cursor key; rows come in key order.
    """
    queryset = base_queryset(params, selection)
    fields = key_fields(params)
    if after is not None:
        queryset = queryset.filter(pagination.after_key_q(fields, after))
    order = fields
    if ordered_for_export and params.by == "sensor":
        # The unique index order: streams at once, no sort of a huge range.
        order = ["sensor_id", "metric_id", fields[0]]
    if params.by == "sensor":
        if params.interval == "15min":
            values = (fields[0], "sensor_id", "metric_id", "value")
        else:
            values = (
                fields[0],
                "sensor_id",
                "metric_id",
                "count",
                "total",
                "minimum",
                "maximum",
            )
        return queryset.order_by(*order).values_list(*values)
    group_values = [field for field in fields]
    if params.interval == "15min":
        decibel = any(m.scale == "decibel" for m in selection.metrics.values())
        annotations = {
            "n": Count("value"),
            "total": Sum("value"),
            "mn": Min("value"),
            "mx": Max("value"),
        }
        if decibel:
            annotations["energy"] = Sum(Power(10.0, F("value") / 10.0))
    else:
        annotations = {
            "n": Sum("count"),
            "total": Sum("total"),
            "mn": Min("minimum"),
            "mx": Max("maximum"),
        }
    names = list(annotations)
    return (
        queryset.values(*group_values)
        .annotate(**annotations)
        .order_by(*order)
        .values_list(*group_values, *names)
    )


TABLES = {
    "15min": "datasets_reading",
    "hour": "datasets_hourlyrollup",
    "day": "datasets_dailyrollup",
}
FINE_AGGREGATES = 'COUNT(r."value"), SUM(r."value"), MIN(r."value"), MAX(r."value")'
DECIBEL_ENERGY = ', SUM(POWER(10.0, (r."value" / 10.0)))'
ROLLUP_AGGREGATES = 'SUM(r."count"), SUM(r."total"), MIN(r."minimum"), MAX(r."maximum")'


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


def values_sql(params, selection, *, after=None, limit=None):
    """The values query of a page as ``(sql, arguments)``, built directly.

    The same rows, in the same order, as ``readings_queryset()`` (which the
    export streams): built as a string, it skips the ORM's compilation, which
    cost as much as running the query. Every query names its metrics and,
    below the dataset level, its sensors.
    """
    time_column = 'r."day"' if params.interval == "day" else 'r."period_start"'
    metric_ids = list(selection.metrics)
    where = [f'r."metric_id" IN ({_placeholders(metric_ids)})']
    arguments = [*metric_ids]
    if selection.sensor_ids is not None:
        where.append(f'r."sensor_id" IN ({_placeholders(selection.sensor_ids)})')
        arguments += selection.sensor_ids
    if params.interval == "day":
        low, high = params.start_day, params.end_day
    else:
        low, high = params.start, params.end
    where.append(f"{time_column} >= %s AND {time_column} < %s")
    arguments += [low, high]
    joins = ""
    if params.by == "street":
        group_column = 's."street_id"'
        joins = ' INNER JOIN "datasets_sensor" s ON (r."sensor_id" = s."id")'
    elif params.by == "sensor":
        group_column = 'r."sensor_id"'
    else:
        group_column = None
    key = [time_column, *([group_column] if group_column else []), 'r."metric_id"']
    if after is not None:
        where.append(
            f"{time_column} >= %s AND ({', '.join(key)}) > ({_placeholders(after)})"
        )
        arguments += [after[0], *after]
    if params.by == "sensor":
        if params.interval == "15min":
            columns = [*key, 'r."value"']
        else:
            columns = [*key, 'r."count"', 'r."total"', 'r."minimum"', 'r."maximum"']
        grouping = ""
    else:
        if params.interval == "15min":
            aggregates = FINE_AGGREGATES
            if any(m.scale == "decibel" for m in selection.metrics.values()):
                aggregates += DECIBEL_ENERGY
        else:
            aggregates = ROLLUP_AGGREGATES
        columns = [*key, aggregates]
        grouping = " GROUP BY " + ", ".join(str(n + 1) for n in range(len(key)))
    order = ", ".join(f"{n + 1} ASC" for n in range(len(key)))
    sql = (
        f'SELECT {", ".join(columns)} FROM "{TABLES[params.interval]}" r{joins}'
        f" WHERE {' AND '.join(where)}{grouping} ORDER BY {order}"
    )
    if limit is not None:
        sql += " LIMIT %s"
        arguments.append(limit)
    return sql, arguments


def period_bounds(period, interval):
    """Start and end of a bucket, as ISO 8601 strings in Paris time."""
    if interval == "day":
        start = datetime.combine(period, time(0), tzinfo=PARIS)
        end = datetime.combine(period + timedelta(days=1), time(0), tzinfo=PARIS)
        return start.isoformat(), end.isoformat()
    return (
        period.astimezone(PARIS).isoformat(),
        (period + STEPS[interval]).astimezone(PARIS).isoformat(),
    )


def _round(value):
    return None if value is None else round(value, 3)


def build_rows(raw_rows, params, selection):
    """Yield ``(key, row dict)`` pairs from the values query's tuples."""
    metrics = selection.metrics
    sensors = selection.sensor_labels
    streets = selection.street_labels
    interval = params.interval
    bounds_cache = {}
    by = params.by
    fine_grouped_decibel = (
        interval == "15min"
        and by != "sensor"
        and any(m.scale == "decibel" for m in metrics.values())
    )
    for raw in raw_rows:
        period = raw[0]
        bounds = bounds_cache.get(period)
        if bounds is None:
            bounds = bounds_cache[period] = period_bounds(period, interval)
        if by == "all":
            group = None
            metric = metrics[raw[1]]
            rest = raw[2:]
            key = (period, raw[1])
        else:
            group = raw[1]
            metric = metrics[raw[2]]
            rest = raw[3:]
            key = (period, raw[1], raw[2])
        sensor = street = None
        if by == "sensor":
            sensor, street = sensors.get(group, (None, None))
        elif by == "street":
            street = streets.get(group)
        if interval == "15min" and by == "sensor":
            count = 1
            value = rest[0]
            if metric.min_published_count and value < metric.min_published_count:
                value = None  # small counts are only published aggregated
        else:
            count, total, minimum, maximum = rest[:4]
            if fine_grouped_decibel and metric.scale == "decibel":
                total = rest[4]
            value = aggregate_value(
                metric.agg, metric.scale, count, total, minimum, maximum
            )
        yield (
            key,
            {
                "period_start": bounds[0],
                "period_end": bounds[1],
                "dataset": metric.dataset,
                "metric": metric.slug,
                "unit": metric.unit,
                "sensor": sensor,
                "street": street,
                "value": _round(value),
                "count": count,
            },
        )


def cursor_key(key):
    period = key[0]
    text = period.isoformat()
    return (text, *key[1:])


def parse_cursor_key(params):
    """The cursor's key with its period turned back into a date or datetime."""
    if params.cursor is None:
        return None
    text = params.cursor[0]
    try:
        if params.interval == "day":
            period = date.fromisoformat(text)
        else:
            period = datetime.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            "cursor",
            _(
                "This cursor is not valid for this query: use the 'next' "
                "link of the previous page as it is."
            ),
        ) from None
    return (period, *params.cursor[1:])


# The answer's bounds of each period seen by this process, by period (the
# text PostgreSQL sends for a timestamptz, or a date): the periods of a
# sensor-day are those of every other sensor's same day, so a sweep over
# sensors formats each period once. Bounded: emptied past BOUNDS_MEMO_SIZE.
_bounds_memo = {"15min": {}, "hour": {}, "day": {}}
BOUNDS_MEMO_SIZE = 100_000


def bounds_of(period, interval):
    """``period_bounds()`` of a period as the page query returns it (the UTC
    text of a timestamptz, or a date), memoised."""
    memo = _bounds_memo[interval]
    bounds = memo.get(period)
    if bounds is None:
        if len(memo) >= BOUNDS_MEMO_SIZE:
            memo.clear()
        moment = period if interval == "day" else datetime.fromisoformat(period)
        bounds = memo[period] = period_bounds(moment, interval)
    return bounds


def fetch_page(params, selection):
    """One page of rows and the cursor key of the next page (or None).

    One query. Its period column comes as PostgreSQL's text, not parsed into
    a datetime per row: the bounds of each period are formatted once per
    process (``bounds_of()``), so a row costs Python one dict.
    """
    after = parse_cursor_key(params)
    if not selection.metrics or selection.sensor_ids == []:
        return [], None
    sql, arguments = values_sql(
        params, selection, after=after, limit=params.page_size + 1
    )
    with connections[read_database()].cursor() as cursor:
        if params.interval != "day":
            cursor.cursor.adapters.register_loader("timestamptz", TextLoader)
        cursor.execute(sql, arguments)
        raw = cursor.fetchall()
    more = len(raw) > params.page_size
    if more:
        del raw[params.page_size :]
    rows = page_rows(raw, params, selection)
    next_key = None
    if more and raw:
        last = raw[-1]
        period = last[0]
        if params.interval != "day":
            period = datetime.fromisoformat(period).astimezone(UTC)
        next_key = (period.isoformat(), *last[1 : 2 if params.by == "all" else 3])
    return rows, next_key


def page_rows(raw_rows, params, selection):
    """The answer's row dicts from the page query's tuples (periods as text).

    Builds what ``build_rows()`` builds from the export queryset's tuples
    (checked by tests on DST days, at the year boundary, with gaps).
    """
    metrics = selection.metrics
    interval = params.interval
    by = params.by
    memo = _bounds_memo[interval]
    if interval == "15min" and by == "sensor":
        # The hot path: a sensor's 15-minute values.
        sensors = selection.sensor_labels
        rows = []
        append = rows.append
        for period, sensor_id, metric_id, value in raw_rows:
            bounds = memo.get(period) or bounds_of(period, interval)
            metric = metrics[metric_id]
            sensor, street = sensors.get(sensor_id, (None, None))
            if value is not None:
                if metric.min_published_count and value < metric.min_published_count:
                    value = None  # small counts are only published aggregated
                else:
                    value = round(value, 3)
            append(
                {
                    "period_start": bounds[0],
                    "period_end": bounds[1],
                    "dataset": metric.dataset,
                    "metric": metric.slug,
                    "unit": metric.unit,
                    "sensor": sensor,
                    "street": street,
                    "value": value,
                    "count": 1,
                }
            )
        return rows
    sensors = selection.sensor_labels
    streets = selection.street_labels
    fine_grouped_decibel = (
        interval == "15min"
        and by != "sensor"
        and any(m.scale == "decibel" for m in metrics.values())
    )
    first = 2 if by == "all" else 3  # where the values start
    rows = []
    for raw in raw_rows:
        bounds = memo.get(raw[0]) or bounds_of(raw[0], interval)
        sensor = street = None
        if by == "all":
            metric = metrics[raw[1]]
        else:
            metric = metrics[raw[2]]
            if by == "sensor":
                sensor, street = sensors.get(raw[1], (None, None))
            else:
                street = streets.get(raw[1])
        count, total, minimum, maximum = raw[first : first + 4]
        if fine_grouped_decibel and metric.scale == "decibel":
            total = raw[first + 4]
        value = aggregate_value(
            metric.agg, metric.scale, count, total, minimum, maximum
        )
        rows.append(
            {
                "period_start": bounds[0],
                "period_end": bounds[1],
                "dataset": metric.dataset,
                "metric": metric.slug,
                "unit": metric.unit,
                "sensor": sensor,
                "street": street,
                "value": None if value is None else round(value, 3),
                "count": count,
            }
        )
    return rows


def iterate_export(params, selection, *, chunk_size=5000):
    """All rows of the range, streamed with a server-side cursor."""
    if not selection.metrics or selection.sensor_ids == []:
        return iter(())
    if params.by == "sensor" and selection.sensor_ids is None:
        # Naming the sensors lets PostgreSQL walk the primary key sensor by
        # sensor and stream at once, instead of sorting the whole range first.
        datasets = {metric.dataset for metric in selection.metrics.values()}
        selection.sensor_ids = sorted(
            row.id
            for row in catalogue_module.current().sensors.values()
            if row.datasets & datasets
        )
    queryset = readings_queryset(params, selection, ordered_for_export=True)
    raw = queryset.iterator(chunk_size=chunk_size)
    return (row for _key, row in build_rows(raw, params, selection))


def metric_meta(selection):
    return [metric.as_meta() for metric in selection.metrics.values()]


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    return str(value)
