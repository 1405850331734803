"""The programme's figures, read across every app, in a constant number of
queries whatever the number of applications, workshops, keys or sensors.

A scope narrows them: one wave (a call), or a year. A year selects the waves
whose call opened that year (with their jury, workshops and DemoDays; a
workshop of no wave counts in the year it is held), and the twelve months of
that year for the time series (API usage, data quality). Without a year the
time series cover the last twelve months.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from applications.jury.models import Assignment
from applications.models import Application, Call
from datasets.access.models import ApiKey, ApiKeyUsage, DataGrant
from datasets.models import Dataset, SensorDayQuality
from workshops.enums import RegistrationState, WorkshopKind, WorkshopState
from workshops.models import DemoDay, Workshop

from . import figures

PARIS = ZoneInfo("Europe/Paris")
R = RegistrationState


@dataclass
class Scope:
    """What the figures cover: a wave, a year, and the months of the series."""

    call: Call | None
    year: int | None
    months: list

    @property
    def first_day(self):
        return self.months[0]

    @property
    def last_day(self):
        last = self.months[-1]
        following = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)


def _month_start(day):
    return day.replace(day=1)


def _add_months(day, count):
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def scope_for(*, call=None, year=None, today=None):
    """The ``Scope`` of a wave and/or a year (None: everything); its months
    are those of ``year`` up to this month, else the last twelve months."""
    today = today or timezone.localdate(timezone=PARIS)
    this_month = _month_start(today)
    if year:
        first = datetime.date(year, 1, 1)
        last = min(datetime.date(year, 12, 1), this_month)
        if last < first:
            last = first
    else:
        first, last = _add_months(this_month, -11), this_month
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = _add_months(month, 1)
    return Scope(call=call, year=year, months=months)


def _year_range(year):
    start = datetime.datetime(year, 1, 1, tzinfo=PARIS)
    return start, start.replace(year=year + 1)


def calls_in_scope(scope):
    """The waves the figures cover, oldest first (a query, not run yet)."""
    calls = Call.objects.order_by("opens_at", "id")
    if scope.call is not None:
        return calls.filter(pk=scope.call.pk)
    if scope.year:
        start, end = _year_range(scope.year)
        calls = calls.filter(opens_at__gte=start, opens_at__lt=end)
    return calls


# --- Queries ---------------------------------------------------


def _workshops_in_scope(scope, calls):
    workshops = Workshop.objects.filter(
        kind=WorkshopKind.WORKSHOP, state=WorkshopState.PUBLISHED
    )
    if scope.call is not None:
        return workshops.filter(call=scope.call)
    if scope.year:
        start, end = _year_range(scope.year)
        return workshops.filter(
            Q(call__in=calls)
            | Q(call__isnull=True, starts_at__gte=start, starts_at__lt=end)
        )
    return workshops


# --- All of them --------------------------------------------------------------


def programme_figures(scope, *, now=None):
    """Return the dashboard's figures (a list of ``Figure``) for ``scope``.

    Ten queries whatever the data: waves, applications, jury sheets,
    workshops, DemoDays, API usage, the datasets keys and grants open,
    datasets, data quality.
    """
    now = now or timezone.now()
    calls = list(calls_in_scope(scope))
    call_ids = [call.pk for call in calls]
    application_rows = list(
        Application.objects.filter(call_id__in=call_ids, submitted_at__isnull=False)
        .values_list("call_id", "applicant_type", "themes", "state")
        .order_by()
    )
    jury_rows = list(
        Assignment.objects.filter(application__call_id__in=call_ids)
        .values(call_id=F("application__call_id"))
        .annotate(
            assigned=Count("id"),
            done=Count("id", filter=Q(sheet__submitted_at__isnull=False)),
        )
        .order_by()
    )
    workshops = list(
        _workshops_in_scope(scope, call_ids)
        .annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__state=R.CONFIRMED)
            ),
            waitlisted=Count(
                "registrations", filter=Q(registrations__state=R.WAITLISTED)
            ),
            checked_in=Count(
                "registrations", filter=Q(registrations__checked_in_at__isnull=False)
            ),
            absent=Count(
                "registrations",
                filter=Q(
                    registrations__state=R.CONFIRMED,
                    registrations__checked_in_at__isnull=True,
                ),
            ),
        )
        .order_by("starts_at", "id")
    )
    demodays = list(
        DemoDay.objects.filter(call_id__in=call_ids)
        .annotate(
            registered=Count(
                "sessions__registrations",
                filter=Q(sessions__registrations__state=R.CONFIRMED),
                distinct=True,
            ),
            present=Count(
                "sessions__registrations",
                filter=Q(sessions__registrations__checked_in_at__isnull=False),
                distinct=True,
            ),
            vote_count=Count("votes", distinct=True),
        )
        .order_by("created_at", "id")
    )
    usage = ApiKeyUsage.objects.filter(
        day__gte=scope.first_day, day__lte=scope.last_day
    )
    if scope.call is not None:
        # A wave's figures: the usage of its Projects only.
        usage = usage.filter(key__grant__project__application__call_id__in=call_ids)
    usage_rows = list(
        usage.annotate(month=TruncMonth("day"))
        .values_list(
            "key_id",
            "key__grant_id",
            "key__grant__project__name",
            "key__grant__legacy_project",
            "month",
        )
        .annotate(requests=Sum("requests"))
        .order_by()
    )
    key_ids = {row[0] for row in usage_rows}
    grant_ids = {row[1] for row in usage_rows}
    key_datasets = defaultdict(set)
    for key_id, dataset_id in ApiKey.datasets.through.objects.filter(
        apikey_id__in=key_ids
    ).values_list("apikey_id", "dataset_id"):
        key_datasets[key_id].add(dataset_id)
    grant_datasets = defaultdict(set)
    for grant_id, dataset_id in DataGrant.datasets.through.objects.filter(
        datagrant_id__in=grant_ids
    ).values_list("datagrant_id", "dataset_id"):
        grant_datasets[grant_id].add(dataset_id)
    datasets = list(Dataset.objects.order_by("slug"))
    quality_rows = list(
        SensorDayQuality.objects.filter(
            day__gte=scope.first_day, day__lte=scope.last_day
        )
        .annotate(month=TruncMonth("day"), dataset_id=F("sensor__datasets"))
        .filter(dataset_id__isnull=False)
        .values("month", "dataset_id")
        .annotate(expected=Sum("expected"), received=Sum("received"))
        .order_by()
    )
    return [
        *figures.application_figures(calls, application_rows),
        figures.jury_figure(calls, jury_rows),
        figures.workshop_figure(workshops, now),
        figures.demoday_figure(demodays),
        *figures.usage_figures(
            scope, usage_rows, key_datasets, grant_datasets, datasets
        ),
        figures.quality_figure(scope, quality_rows, datasets),
    ]


def report_years(*, today=None):
    """The years a report or a filter may name: from the first wave's to now."""
    today = today or timezone.localdate(timezone=PARIS)
    first = Call.objects.order_by("opens_at").values_list("opens_at", flat=True).first()
    start = timezone.localtime(first, PARIS).year if first else today.year
    return list(range(today.year, min(start, today.year) - 1, -1))
