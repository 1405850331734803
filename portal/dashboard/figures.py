"""The dashboard's figures: a chart and the table of the same numbers each,
built from rows the selectors fetched (no query here)."""

from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ApplicantType, ApplicationState, Theme
from portal import charts

PARIS = ZoneInfo("Europe/Paris")
S = ApplicationState
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

    @property
    def unit_display(self):
        """The unit as the shared chart table shows it (already in words)."""
        return self.unit


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


def month_label(month):
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def workshop_label(workshop):
    day = formats.date_format(
        timezone.localtime(workshop.starts_at, PARIS).date(), "SHORT_DATE_FORMAT"
    )
    return f"{day} · {workshop.display_title}"


# --- Applications, admissibility and decisions ------------------------------


def application_figures(calls, rows):
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


def jury_figure(calls, rows):
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


def workshop_figure(workshops, now):
    unit = _("people")
    over = [w for w in workshops if w.ends_at <= now]
    return Figure(
        key="workshop-participation",
        title=_("Workshop participation and no-shows"),
        kind="bar",
        key_label=_("Workshop"),
        labels=[workshop_label(w) for w in workshops],
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


def demoday_figure(demodays):
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


def usage_figures(scope, usage_rows, key_datasets, grant_datasets, datasets):
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
    labels = [month_label(m) for m in months]
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


def quality_figure(scope, rows, datasets):
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
        labels=[month_label(m) for m in months],
        columns=[Column(d.name, "%") for d in ordered],
        series=series,
        unit="%",
        percent=True,
        note=_(
            "Quarter hours received out of those expected, over every sensor "
            "feeding the dataset. Not narrowed by wave."
        ),
    )
