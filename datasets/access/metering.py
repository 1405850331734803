"""The meter of the API: requests made with each key, per Paris day.

Every request carrying a key adds one to the field ``<digest>`` of the Redis
hash ``api-usage:v1:<day>``, in the same round trip as its rate limit (and,
on the readings endpoint, its cached answer and the key's record). The
periodic task ``access.flush_api_usage`` copies the day's totals into
``ApiKeyUsage`` every few minutes; the hashes live 8 days, so a week of
stopped workers loses nothing. Requests with a dead key are counted in Redis
but belong to no key and are dropped by the copy.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from datasets import rollups
from datasets.api import fastcache
from portal.charts import chart, dataset

USAGE_PREFIX = "api-usage:v1:"
USAGE_SECONDS = 8 * 86400


def paris_day(now=None):
    """The Paris day of ``now`` (this instant by default)."""
    return rollups.paris_day(now or timezone.now())


def usage_hash(day):
    return f"{USAGE_PREFIX}{day.isoformat()}"


def meter_for(digest, *, now=None):
    """The ``meter=`` argument of ``fastcache.incr_and_get_many`` for a key."""
    return usage_hash(paris_day(now)), digest, USAGE_SECONDS


def flush_api_usage(*, days=2, now=None):
    """Copy the Redis counters of the last ``days`` Paris days into
    ``ApiKeyUsage``; return the number of rows written.

    Each row receives the day's running total (not an increment): safe to run
    twice, and a late run catches up. A total never goes down: after a Redis
    restart (the counters start again from 0) the row keeps its higher value
    until the new count passes it.
    """
    from .models import ApiKey, ApiKeyUsage

    today = paris_day(now)
    rows = []
    for offset in range(days):
        day = today - datetime.timedelta(days=offset)
        counts = fastcache.hgetall(usage_hash(day))
        if not counts:
            continue
        key_ids = dict(
            ApiKey.objects.filter(digest__in=list(counts)).values_list("digest", "id")
        )
        rows.extend(
            ApiKeyUsage(key_id=key_ids[digest], day=day, requests=count)
            for digest, count in counts.items()
            if digest in key_ids
        )
    if rows:
        known = {
            (row.key_id, row.day): row.requests
            for row in ApiKeyUsage.objects.filter(
                key_id__in={row.key_id for row in rows},
                day__gte=today - datetime.timedelta(days=days - 1),
            )
        }
        for row in rows:
            row.requests = max(row.requests, known.get((row.key_id, row.day), 0))
        with transaction.atomic():
            ApiKeyUsage.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["key", "day"],
                update_fields=["requests"],
            )
    return len(rows)


@dataclass
class UsageColumn:
    """A key as a column of the usage table (the shape chart_table.html reads)."""

    name: str
    unit: str


def usage_of_grant(grant, *, days=30, today=None):
    """``usage_of_grants([grant])[grant.pk]``."""
    return usage_of_grants([grant], days=days, today=today)[grant.pk]


def usage_of_grants(grants, *, days=30, today=None):
    """The requests of each key of each grant per day over the last ``days``
    Paris days, by grant id, ready for ``datasets/includes/chart_table.html``:
    ``chart`` (a stacked bar chart, one series per key used), ``metrics`` (the
    columns), ``table`` (one row per day), ``total`` and ``days``. One query
    whatever the number of grants (their keys must be prefetched).
    """
    from .models import ApiKeyUsage

    first, day_list, labels, unit = _day_axis(days, today)
    counts = {
        (row.key_id, row.day): row.requests
        for row in ApiKeyUsage.objects.filter(
            key__grant__in=[grant.pk for grant in grants],
            day__gte=first,
            day__lte=day_list[-1],
        )
    }
    used_ids = {key_id for key_id, _day in counts}
    result = {}
    for grant in grants:
        used = [key for key in grant.keys.all() if key.pk in used_ids]
        columns = [
            UsageColumn(name=f"{key.name} ({key.prefix})", unit=unit) for key in used
        ]
        series = [[counts.get((key.pk, day), 0) for day in day_list] for key in used]
        result[grant.pk] = _usage_chart(labels, columns, series, unit, days)
    return result


def usage_of_all_grants(*, days=30, today=None, most=6):
    """The requests of every key per day over the last ``days`` Paris days,
    one series per project for the ``most`` busiest, the rest summed in one
    more, in the shape of ``usage_of_grants``. One query.
    """
    from django.db.models import Sum

    from .models import ApiKeyUsage

    first, day_list, labels, unit = _day_axis(days, today)
    rows = (
        ApiKeyUsage.objects.filter(day__gte=first, day__lte=day_list[-1])
        .values_list(
            "key__grant_id",
            "key__grant__project__name",
            "key__grant__legacy_project",
            "day",
        )
        .annotate(requests=Sum("requests"))
        .order_by()
    )
    per_grant = {}
    names = {}
    for grant_id, project, legacy_project, day, requests in rows:
        names[grant_id] = project or legacy_project
        per_grant.setdefault(grant_id, {})[day] = requests
    busiest = sorted(per_grant, key=lambda g: -sum(per_grant[g].values()))
    shown, rest = busiest[:most], busiest[most:]
    columns = [UsageColumn(name=names[grant_id], unit=unit) for grant_id in shown]
    series = [[per_grant[g].get(day, 0) for day in day_list] for g in shown]
    if rest:
        columns.append(UsageColumn(name=gettext("Other projects"), unit=unit))
        series.append([sum(per_grant[g].get(day, 0) for g in rest) for day in day_list])
    return _usage_chart(labels, columns, series, unit, days)


def _day_axis(days, today):
    """The last ``days`` Paris days up to ``today``: first day, days, their
    labels, and the unit of the counts."""
    today = today or paris_day()
    first = today - datetime.timedelta(days=days - 1)
    day_list = [first + datetime.timedelta(days=n) for n in range(days)]
    labels = [formats.date_format(day, "SHORT_DATE_FORMAT") for day in day_list]
    return first, day_list, labels, gettext("requests")


def _usage_chart(labels, columns, series, unit, days):
    return {
        "chart": chart(
            "bar",
            labels,
            [
                dataset(column.name, data)
                for column, data in zip(columns, series, strict=True)
            ],
            unit=unit,
            stacked=True,
        ),
        "metrics": columns,
        "table": [
            (label, [data[index] for data in series])
            for index, label in enumerate(labels)
        ],
        "total": sum(sum(data) for data in series),
        "days": days,
    }
