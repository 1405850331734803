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
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ApplicantType, ApplicationState, Theme
from applications.jury.models import Assignment
from applications.models import Application, Call
from datasets.access.models import ApiKey, ApiKeyUsage, DataGrant
from datasets.models import Dataset, SensorDayQuality
from portal import charts
from workshops.enums import RegistrationState, WorkshopKind, WorkshopState
from workshops.models import DemoDay, Workshop

PARIS = ZoneInfo("Europe/Paris")
S = ApplicationState
R = RegistrationState
# The series of the admissibility chart: each application in one of them.
ADMISSIBILITY_SERIES = (
    ((S.SUBMITTED,), gettext_lazy("Awaiting the admissibility check")),
    ((S.INADMISSIBLE,), gettext_lazy("Inadmissible")),
    ((S.ADMISSIBLE, S.UNDER_REVIEW), gettext_lazy("Admissible, decision pending")),
    ((S.RETAINED,), gettext_lazy("Retained")),
    ((S.WAITING_LIST,), gettext_lazy("Waiting list")),
    ((S.NOT_RETAINED,), gettext_lazy("Not retained")),
    ((S.WITHDRAWN,), gettext_lazy("Withdrawn")),
)
# The busiest Projects get a series each in the usage chart; the rest share one.
MOST_PROJECTS = 6


@dataclass
class Column:
    """A series of a figure, as a column of its table."""

    name: str
    unit: str


@dataclass
class Figure:
    """One figure of the dashboard: a chart and the table of the same numbers.

    ``series[i][j]`` is the value of column ``i`` at label ``j``.
    """

    key: str
    title: str
    kind: str  # "bar" or "line"
    key_label: str
    labels: list
    columns: list
    series: list
    unit: str
    stacked: bool = False
    note: str = ""
    percent: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def chart(self):
        return charts.chart(
            self.kind,
            self.labels,
            [
                charts.dataset(column.name, values, span_gaps=self.kind == "line")
                for column, values in zip(self.columns, self.series, strict=True)
            ],
            unit=self.unit,
            stacked=self.stacked,
            integers=not self.percent,
        )

    @property
    def metrics(self):
        return self.columns

    @property
    def table(self):
        return [
            (label, [values[index] for values in self.series])
            for index, label in enumerate(self.labels)
        ]

    @property
    def is_empty(self):
        return not self.labels or not self.columns


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


def _month_label(month):
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _workshop_label(workshop):
    day = formats.date_format(
        timezone.localtime(workshop.starts_at, PARIS).date(), "SHORT_DATE_FORMAT"
    )
    return f"{day} · {workshop.display_title}"


# --- Applications, admissibility and decisions ------------------------------


def _application_figures(calls, rows):
    """Applications by wave and applicant type, by theme, and their
    admissibility and decisions by wave, from ``rows`` of (call id, applicant
    type, themes, state)."""
    unit = _("applications")
    by_wave_type = defaultdict(int)
    by_theme = defaultdict(int)
    by_wave_state = defaultdict(int)
    for call_id, applicant_type, themes, state in rows:
        by_wave_type[(call_id, applicant_type)] += 1
        by_wave_state[(call_id, state)] += 1
        for theme in set(themes or []):
            by_theme[theme] += 1
    wave_labels = [call.title for call in calls]
    types = [kind for kind in ApplicantType if any(k[1] == kind for k in by_wave_type)]
    by_wave = Figure(
        key="applications-by-wave",
        title=_("Applications by wave and applicant type"),
        kind="bar",
        key_label=_("Wave"),
        labels=wave_labels,
        columns=[Column(str(kind.label), unit) for kind in types],
        series=[[by_wave_type[(call.pk, kind)] for call in calls] for kind in types],
        unit=unit,
        stacked=True,
        note=_("Applications submitted at least once; drafts are not counted."),
    )
    themes = [theme for theme in Theme if by_theme.get(theme)]
    by_theme_figure = Figure(
        key="applications-by-theme",
        title=_("Applications by theme"),
        kind="bar",
        key_label=_("Theme"),
        labels=[str(theme.label) for theme in themes],
        columns=[Column(_("Applications"), unit)] if themes else [],
        series=[[by_theme[theme] for theme in themes]] if themes else [],
        unit=unit,
        note=_("An application with several themes counts once in each."),
    )
    decisions = Figure(
        key="admissibility-and-decisions",
        title=_("Admissibility and decisions by wave"),
        kind="bar",
        key_label=_("Wave"),
        labels=wave_labels,
        columns=[Column(str(name), unit) for _states, name in ADMISSIBILITY_SERIES],
        series=[
            [sum(by_wave_state[(call.pk, state)] for state in states) for call in calls]
            for states, _name in ADMISSIBILITY_SERIES
        ],
        unit=unit,
        stacked=True,
        note=_("Decisions count once released to the teams."),
    )
    return [by_wave, by_theme_figure, decisions]


# --- Jury --------------------------------------------------------------------


def _jury_figure(calls, rows):
    done = {row["call_id"]: row["done"] for row in rows}
    assigned = {row["call_id"]: row["assigned"] for row in rows}
    unit = _("score sheets")
    return Figure(
        key="jury-progress",
        title=_("Jury progress by wave"),
        kind="bar",
        key_label=_("Wave"),
        labels=[call.title for call in calls],
        columns=[Column(_("Submitted"), unit), Column(_("To do"), unit)],
        series=[
            [done.get(call.pk, 0) for call in calls],
            [assigned.get(call.pk, 0) - done.get(call.pk, 0) for call in calls],
        ],
        unit=unit,
        stacked=True,
        note=_("One score sheet per juror and assigned application."),
    )


# --- Workshops and DemoDays ---------------------------------------------------


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


def _workshop_figure(workshops, now):
    unit = _("people")
    over = [w for w in workshops if w.ends_at <= now]
    return Figure(
        key="workshop-participation",
        title=_("Workshop participation and no-shows"),
        kind="bar",
        key_label=_("Workshop"),
        labels=[_workshop_label(w) for w in workshops],
        columns=[
            Column(_("Checked in"), unit),
            Column(_("No-shows"), unit),
            Column(_("Confirmed, not yet held"), unit),
            Column(_("Waiting list"), unit),
        ],
        series=[
            [w.checked_in for w in workshops],
            [w.absent if w.ends_at <= now else 0 for w in workshops],
            [w.confirmed if w.ends_at > now else 0 for w in workshops],
            [w.waitlisted for w in workshops],
        ],
        unit=unit,
        stacked=True,
        note=_(
            "A no-show is a confirmed registration not checked in at a workshop "
            "that is over."
        ),
        extra={
            "held": len(over),
            "checked_in": sum(w.checked_in for w in over),
            "no_shows": sum(w.absent for w in over),
        },
    )


def _demoday_figure(demodays):
    unit = _("people")
    return Figure(
        key="demoday",
        title=_("DemoDay registrations and votes"),
        kind="bar",
        key_label=_("DemoDay"),
        labels=[d.display_title for d in demodays],
        columns=[
            Column(_("Registered"), unit),
            Column(_("Checked in"), unit),
            Column(_("Audience votes"), _("votes")),
        ],
        series=[
            [d.registered for d in demodays],
            [d.present for d in demodays],
            [d.vote_count for d in demodays],
        ],
        unit=unit,
    )


# --- API usage ----------------------------------------------------------------


def _usage_figures(scope, usage_rows, key_datasets, grant_datasets, datasets):
    """API requests per month by Project and by dataset.

    The meter counts requests per key and day: a key opening one dataset
    counts for it, a key opening several counts in a series of its own.
    """
    unit = _("requests")
    months = scope.months
    per_project = defaultdict(lambda: defaultdict(int))
    per_dataset = defaultdict(lambda: defaultdict(int))
    names = {}
    several = object()
    for key_id, grant_id, project, legacy, month, requests in usage_rows:
        names[grant_id] = project or legacy
        per_project[grant_id][month] += requests
        opened = key_datasets.get(key_id) or grant_datasets.get(grant_id) or set()
        target = next(iter(opened)) if len(opened) == 1 else several
        per_dataset[target][month] += requests
    busiest = sorted(per_project, key=lambda g: (-sum(per_project[g].values()), g))
    shown, rest = busiest[:MOST_PROJECTS], busiest[MOST_PROJECTS:]
    columns = [Column(names[g], unit) for g in shown]
    series = [[per_project[g][m] for m in months] for g in shown]
    if rest:
        columns.append(Column(_("Other projects"), unit))
        series.append([sum(per_project[g][m] for g in rest) for m in months])
    labels = [_month_label(m) for m in months]
    by_project = Figure(
        key="api-usage-by-project",
        title=_("API requests by Project and month"),
        kind="bar",
        key_label=_("Month"),
        labels=labels,
        columns=columns,
        series=series,
        unit=unit,
        stacked=True,
        extra={"total": sum(sum(values) for values in series)},
    )
    ordered = [d for d in datasets if d.pk in per_dataset]
    columns = [Column(d.name, unit) for d in ordered]
    series = [[per_dataset[d.pk][m] for m in months] for d in ordered]
    if several in per_dataset:
        columns.append(Column(_("Keys opening several datasets"), unit))
        series.append([per_dataset[several][m] for m in months])
    by_dataset = Figure(
        key="api-usage-by-dataset",
        title=_("API requests by dataset and month"),
        kind="bar",
        key_label=_("Month"),
        labels=labels,
        columns=columns,
        series=series,
        unit=unit,
        stacked=True,
        note=_(
            "Requests are counted per key: a key opening several datasets "
            "has a series of its own."
        ),
    )
    return [by_project, by_dataset]


# --- Sensor data quality -------------------------------------------------------


def _quality_figure(scope, rows, datasets):
    months = scope.months
    totals = {}
    for row in rows:
        totals[(row["dataset_id"], row["month"])] = (row["expected"], row["received"])
    present = {dataset_id for dataset_id, _month in totals}
    ordered = [d for d in datasets if d.pk in present]
    series = []
    for dataset in ordered:
        values = []
        for month in months:
            expected, received = totals.get((dataset.pk, month), (0, 0))
            values.append(
                round(100 * min(received, expected) / expected, 1) if expected else None
            )
        series.append(values)
    return Figure(
        key="data-quality",
        title=_("Sensor data completeness by dataset and month"),
        kind="line",
        key_label=_("Month"),
        labels=[_month_label(m) for m in months],
        columns=[Column(d.name, "%") for d in ordered],
        series=series,
        unit="%",
        percent=True,
        note=_(
            "Quarter hours received out of those expected, over every sensor "
            "feeding the dataset. Not narrowed by wave."
        ),
    )


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
        *_application_figures(calls, application_rows),
        _jury_figure(calls, jury_rows),
        _workshop_figure(workshops, now),
        _demoday_figure(demodays),
        *_usage_figures(scope, usage_rows, key_datasets, grant_datasets, datasets),
        _quality_figure(scope, quality_rows, datasets),
    ]


def report_years(*, today=None):
    """The years a report or a filter may name: from the first wave's to now."""
    today = today or timezone.localdate(timezone=PARIS)
    first = Call.objects.order_by("opens_at").values_list("opens_at", flat=True).first()
    start = timezone.localtime(first, PARIS).year if first else today.year
    return list(range(today.year, min(start, today.year) - 1, -1))
