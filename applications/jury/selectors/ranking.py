"""The ranking of a call's applications and the progress of its jury.

Both read a constant number of queries whatever the numbers of applications
and jurors: the rows come flat with ``values_list`` and the figures are
computed in Python (``applications.jury.calculations``).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max

from portal.audit.models import AuditEvent

from ...enums import ApplicationState
from ...filters import ADMISSIBLE_STATES
from ...models import Application
from .. import calculations
from ..enums import BLOCKING_CONFLICT_STATUSES
from ..models import Assignment, Conflict, Decision, JuryMembership, Score

# ``?sort=`` keys of the ranking and the attribute each one sorts on.
SORT_KEYS = {
    "reference": "reference",
    "title": "title",
    "mean": "mean",
    "median": "median",
    "spread": "spread",
    "deviation": "deviation",
    "normalised": "normalised",
    "sheets": "received",
}
DEFAULT_SORT = "-mean"


@dataclass
class JurorFigures:
    """One juror's submitted sheets: their weighted scores and severity."""

    membership_id: int
    name: str
    organisation: str
    scores: list = field(default_factory=list)
    normalised: bool = False

    @property
    def sheets(self):
        return len(self.scores)

    @property
    def mean(self):
        return calculations.mean(self.scores)

    @property
    def median(self):
        return calculations.median(self.scores)

    @property
    def minimum(self):
        return min(self.scores) if self.scores else None

    @property
    def maximum(self):
        return max(self.scores) if self.scores else None

    @property
    def deviation(self):
        return calculations.standard_deviation(self.scores)


@dataclass
class RankingRow:
    """The figures of one application across the jurors' submitted sheets.

    ``mean``, ``median``, ``spread``, ``deviation`` (of the weighted scores)
    and ``normalised`` (mean of the jurors' z-scores) are set by
    ``compute()`` once the sheets are in, None when there is nothing to count.
    """

    application_id: int
    reference: str
    title: str
    state: str
    scores: list = field(default_factory=list)
    z_scores: list = field(default_factory=list)
    assigned: int = 0
    decision: Decision | None = None
    to_discuss: bool = False
    mean: float | None = None
    median: float | None = None
    spread: float | None = None
    deviation: float | None = None
    normalised: float | None = None

    def compute(self, *, threshold):
        self.mean = calculations.mean(self.scores)
        self.median = calculations.median(self.scores)
        self.spread = calculations.spread(self.scores)
        self.deviation = calculations.standard_deviation(self.scores)
        self.normalised = calculations.mean(self.z_scores)
        self.to_discuss = self.spread is not None and self.spread >= threshold

    @property
    def state_label(self):
        return ApplicationState(self.state).label

    @property
    def decision_label(self):
        if self.decision is None:
            return ""
        return ApplicationState(self.decision.outcome).label

    @property
    def received(self):
        return len(self.scores)


@dataclass
class Ranking:
    rows: list
    jurors: list
    threshold: int
    minimum_sheets: int

    @property
    def to_discuss(self):
        return [row for row in self.rows if row.to_discuss]

    @property
    def others(self):
        return [row for row in self.rows if not row.to_discuss]

    @property
    def jurors_with_too_few(self):
        return [juror for juror in self.jurors if not juror.normalised]


def _juror_name(full_name, email):
    return full_name or email.split("@")[0]


def _blocked_pairs(call):
    return set(
        Conflict.objects.filter(
            membership__call=call, status__in=BLOCKING_CONFLICT_STATUSES
        ).values_list("membership_id", "application_id")
    )


def ranking_for_call(
    call,
    *,
    sort=DEFAULT_SORT,
    threshold=calculations.DISAGREEMENT_SPREAD,
    minimum_sheets=calculations.MIN_SHEETS_FOR_NORMALISATION,
    with_decisions=False,
    viewer=None,
):
    """Return the ``Ranking`` of the applications of ``call`` the jury works on.

    Per application: the weighted score (``calculations.weighted_score``) of
    each submitted sheet, their mean, median, spread and standard deviation,
    the mean of the jurors' standardised scores (jurors with fewer than
    ``minimum_sheets`` sheets are left out of it and listed), the sheets
    received and assigned, and whether the spread reaches ``threshold`` (to
    discuss). A sheet whose juror has a conflict (not dismissed) with the
    application counts nowhere. Rows are sorted by ``sort`` (a key of
    ``SORT_KEYS``, ``-`` for descending; unknown keys fall back to the
    default). When ``viewer`` (an organiser) also sits on the jury, the
    applications they are conflicted with are left out of the rows (their
    sheets still count in the jurors' figures). Five queries (six
    ``with_decisions``), whatever the sizes.
    """
    rows = {
        pk: RankingRow(application_id=pk, reference=ref, title=title, state=state)
        for pk, ref, title, state in Application.objects.filter(
            call=call, state__in=ADMISSIBLE_STATES
        )
        .order_by("reference")
        .values_list("pk", "reference", "title", "state")
    }
    blocked = _blocked_pairs(call)
    for membership_id, application_id in Assignment.objects.filter(
        membership__call=call
    ).values_list("membership_id", "application_id"):
        if application_id in rows and (membership_id, application_id) not in blocked:
            rows[application_id].assigned += 1
    viewer_id = getattr(viewer, "pk", None)
    hidden = set()
    jurors = {}
    for pk, user_id, full_name, email, organisation in (
        JuryMembership.objects.filter(call=call)
        .order_by("user__full_name", "user__email")
        .values_list("pk", "user_id", "user__full_name", "user__email", "organisation")
    ):
        jurors[pk] = JurorFigures(
            membership_id=pk,
            name=_juror_name(full_name, email),
            organisation=organisation,
        )
        if viewer_id is not None and user_id == viewer_id:
            hidden = {app for member, app in blocked if member == pk}
    sheets = defaultdict(list)
    owners = {}
    for sheet_id, membership_id, application_id, *item in Score.objects.filter(
        sheet__assignment__membership__call=call,
        sheet__submitted_at__isnull=False,
    ).values_list(
        "sheet_id",
        "sheet__assignment__membership_id",
        "sheet__assignment__application_id",
        "value",
        "criterion__scale_max",
        "criterion__weight",
        "not_applicable",
    ):
        if application_id not in rows or (membership_id, application_id) in blocked:
            continue
        sheets[sheet_id].append(item)
        owners[sheet_id] = (membership_id, application_id)
    by_juror = defaultdict(dict)
    for sheet_id, items in sheets.items():
        score = calculations.weighted_score(items)
        if score is None:
            continue
        membership_id, application_id = owners[sheet_id]
        score = float(score)
        rows[application_id].scores.append(score)
        by_juror[membership_id][application_id] = score
        if membership_id in jurors:
            jurors[membership_id].scores.append(score)
    for membership_id, scores in by_juror.items():
        standardised = calculations.standardise(scores, minimum=minimum_sheets)
        if standardised is None:
            continue
        if membership_id in jurors:
            jurors[membership_id].normalised = True
        for application_id, z_score in standardised.items():
            rows[application_id].z_scores.append(z_score)
    if with_decisions:
        for decision in Decision.objects.filter(application__call=call):
            if decision.application_id in rows:
                rows[decision.application_id].decision = decision
    for row in rows.values():
        row.compute(threshold=threshold)
    return Ranking(
        rows=sort_rows(
            [r for r in rows.values() if r.application_id not in hidden], sort
        ),
        jurors=list(jurors.values()),
        threshold=threshold,
        minimum_sheets=minimum_sheets,
    )


def clean_sort(sort):
    """Return ``sort`` when it names a known column (``-`` allowed), else the
    default."""
    sort = str(sort or "")
    return (
        sort
        if sort.lstrip("-") in SORT_KEYS and sort.count("-") <= 1
        else (DEFAULT_SORT)
    )


def sort_rows(rows, sort):
    """Sort ranking rows by ``sort``; empty figures always come last, ties by
    reference."""
    sort = clean_sort(sort)
    descending = sort.startswith("-")
    attribute = SORT_KEYS[sort.lstrip("-")]
    rows = sorted(rows, key=lambda row: row.reference)
    present = [row for row in rows if getattr(row, attribute) is not None]
    missing = [row for row in rows if getattr(row, attribute) is None]

    def key(row):
        value = getattr(row, attribute)
        return value.casefold() if isinstance(value, str) else value

    return sorted(present, key=key, reverse=descending) + missing


# --- Progress ------------------------------------------------------------------


@dataclass
class JurorProgress:
    membership_id: int
    name: str
    email: str
    organisation: str
    declared: bool
    assigned: int = 0
    drafts: int = 0
    submitted: int = 0
    last_activity: object = None
    last_reminder: object = None

    @property
    def not_started(self):
        return self.assigned - self.drafts - self.submitted

    @property
    def is_late(self):
        return self.submitted < self.assigned


@dataclass
class ApplicationProgress:
    application_id: int
    reference: str
    title: str
    assigned: int = 0
    submitted: int = 0


@dataclass
class Progress:
    jurors: list
    applications: list

    @property
    def late_jurors(self):
        return [juror for juror in self.jurors if juror.is_late]

    @property
    def submitted(self):
        return sum(juror.submitted for juror in self.jurors)

    @property
    def assigned(self):
        return sum(juror.assigned for juror in self.jurors)


def progress_for_call(call):
    """Return the ``Progress`` of the jury of ``call``.

    Per juror: sheets assigned, drafts, submitted, the last time they saved a
    sheet and the last reminder sent to them (audit ``jury.reminder_sent``);
    per application: sheets submitted out of assigned. Four queries, whatever
    the sizes.
    """
    jurors = {
        pk: JurorProgress(
            membership_id=pk,
            name=_juror_name(full_name, email),
            email=email,
            organisation=organisation,
            declared=declared_at is not None,
        )
        for pk, full_name, email, organisation, declared_at in (
            JuryMembership.objects.filter(call=call)
            .order_by("user__full_name", "user__email")
            .values_list(
                "pk", "user__full_name", "user__email", "organisation", "declared_at"
            )
        )
    }
    applications = {
        pk: ApplicationProgress(application_id=pk, reference=ref, title=title)
        for pk, ref, title in Application.objects.filter(
            call=call, state__in=ADMISSIBLE_STATES
        )
        .order_by("reference")
        .values_list("pk", "reference", "title")
    }
    for (
        membership_id,
        application_id,
        sheet_id,
        submitted_at,
        updated_at,
    ) in Assignment.objects.filter(membership__call=call).values_list(
        "membership_id",
        "application_id",
        "sheet__id",
        "sheet__submitted_at",
        "sheet__updated_at",
    ):
        juror = jurors[membership_id]
        juror.assigned += 1
        if submitted_at is not None:
            juror.submitted += 1
        elif sheet_id is not None:
            juror.drafts += 1
        if updated_at is not None and (
            juror.last_activity is None or updated_at > juror.last_activity
        ):
            juror.last_activity = updated_at
        if application_id in applications:
            applications[application_id].assigned += 1
            if submitted_at is not None:
                applications[application_id].submitted += 1
    reminders = (
        AuditEvent.objects.filter(
            verb="jury.reminder_sent",
            target_type__app_label="jury",
            target_type__model="jurymembership",
            target_id__in=[str(pk) for pk in jurors],
        )
        .values("target_id")
        .annotate(last=Max("created_at"))
        .values_list("target_id", "last")
    )
    for target_id, last in reminders:
        jurors[int(target_id)].last_reminder = last
    return Progress(
        jurors=list(jurors.values()), applications=list(applications.values())
    )


# --- Audit of a call's jury --------------------------------------------------------

# The decisions' steps of the call's applications belong to the jury's audit.
APPLICATION_VERBS = [f"application.{state.value}" for state in ADMISSIBLE_STATES]


def audit_events_for_call(call):
    """Return the audit events of the jury of ``call``, oldest first.

    The events on the call itself (phases, release), on its invitations,
    members, conflicts, assignments and their runs, grids, score sheets,
    decisions and dossiers, the ``jury.*`` events naming the call in their
    details, and the review and decision steps of its applications. One
    query; the actor and the target's type come with it.
    """
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    from ..models import (
        AssignmentRun,
        Dossier,
        Grid,
        JuryInvitation,
        ScoreSheet,
    )

    def targets(model, **lookup):
        return Q(
            target_type__app_label=model._meta.app_label,
            target_type__model=model._meta.model_name,
            target_id__in=model.objects.filter(**lookup)
            .annotate(key=Cast("pk", CharField()))
            .values("key"),
        )

    call_type = Q(
        target_type__app_label=call._meta.app_label,
        target_type__model=call._meta.model_name,
        target_id=str(call.pk),
    )
    condition = (
        (call_type & (Q(verb__startswith="jury.") | Q(verb__contains="phase")))
        | targets(JuryInvitation, call=call)
        | targets(JuryMembership, call=call)
        | targets(Conflict, membership__call=call)
        | targets(Assignment, membership__call=call)
        | targets(AssignmentRun, call=call)
        | targets(Grid, call=call)
        | targets(ScoreSheet, assignment__membership__call=call)
        | targets(Decision, application__call=call)
        | targets(Dossier, call=call)
        | (Q(verb__startswith="jury.") & Q(data__call__in=[call.slug, call.pk]))
        | (targets(Application, call=call) & Q(verb__in=APPLICATION_VERBS))
    )
    return (
        AuditEvent.objects.filter(condition)
        .select_related("actor", "target_type")
        .order_by("created_at", "id")
    )
