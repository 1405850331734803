"""Reads over calls and applications that depend on time or on the viewer."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from datasets.models import Dataset
from portal.audit.models import AuditEvent
from portal.audit.sentences import event_sentence

from .enums import ApplicantType, ApplicationState, TeamRole, Theme
from .filters import ApplicationFilter
from .models import (
    Application,
    Attachment,
    Call,
    RequestedDataset,
    SentEmail,
    Submission,
    TeamMember,
)

S = ApplicationState


def call_for_home_page(*, now):
    """Return the call for the home page: the open one, else the next, else the last."""
    calls = Call.objects.published()
    return (
        calls.open_at(now).order_by("closes_at").first()
        or calls.filter(opens_at__gt=now).order_by("opens_at").first()
        or calls.order_by("-closes_at").first()
    )


# --- Applicants and the jury -----------------------------------------------------


def applications_for_applicant(user):
    """Return the applications ``user`` is in the team of, newest first."""
    return (
        Application.objects.filter(team__user=user)
        .select_related("call")
        .order_by("-created_at")
    )


def application_timeline(application):
    """Return the application's own events (verbs ``application.*``), oldest
    first, with their actors: ``application_history`` narrowed."""
    return application_history(application).filter(verb__startswith="application.")


def submission_for_review(application):
    """Return the last submission made before the call's deadline (or None).

    The jury reviews this frozen version, whatever the team changed later.
    """
    return (
        application.submissions.filter(submitted_at__lt=application.call.closes_at)
        .order_by("-number")
        .first()
    )


# --- Back office ---------------------------------------------------------------


def calls_for_backoffice():
    """Return every call, newest first, with its application counts by stage."""
    return Call.objects.select_related("charter").annotate(
        application_count=Count("applications"),
        draft_count=Count("applications", filter=Q(applications__state=S.DRAFT)),
        submitted_count=Count(
            "applications",
            filter=~Q(applications__state__in=[S.DRAFT, S.WITHDRAWN]),
        ),
        pending_count=Count("applications", filter=Q(applications__state=S.SUBMITTED)),
    )


def call_for_backoffice(slug):
    """Return the call with this slug or raise Http404."""
    try:
        return Call.objects.select_related("charter").get(slug=slug)
    except Call.DoesNotExist:
        raise Http404 from None


def _with_list_relations(queryset):
    leads = TeamMember.objects.filter(role=TeamRole.LEAD).select_related("user")
    return queryset.select_related("call").prefetch_related(
        Prefetch(
            "requested_datasets",
            queryset=RequestedDataset.objects.select_related("dataset").order_by(
                "dataset__position", "dataset__slug"
            ),
        ),
        Prefetch("team", queryset=leads, to_attr="leads"),
    )


def applications_for_backoffice(call, *, params):
    """Return the FilterSet of the call's applications filtered by ``params``.

    ``filterset.qs`` holds the filtered, sorted applications with their lead and
    requested datasets prefetched: a page costs the same number of queries
    whatever its size. ``filterset.is_valid()`` tells whether the filters parsed.
    """
    queryset = _with_list_relations(Application.objects.for_call(call))
    return ApplicationFilter(_known_sort_only(params), queryset=queryset, call=call)


def _known_sort_only(params):
    """``params`` without a ``sort`` the list does not offer (a private field
    such as ``created_by__email``, a typo): the list keeps its default order
    instead of coming back empty, its form having no visible sort field."""
    sort = (params or {}).get("sort")
    if not sort:
        return params
    known = set(ApplicationFilter.base_filters["sort"].param_map)
    if all(part.strip().lstrip("-") in known for part in str(sort).split(",")):
        return params
    params = params.copy()
    params.pop("sort")
    return params


def filtered_applications(call, *, params):
    """Return the filtered applications of the call (invalid filters: none)."""
    filterset = applications_for_backoffice(call, params=params)
    if not filterset.is_valid():
        return Application.objects.none()
    return filterset.qs


def applications_for_export(call, *, params):
    """Return the filtered applications of the call with what the CSV reads.

    Each application comes with its whole team, requested datasets and
    attachments prefetched, so the export's queries do not grow with its rows
    (read it with ``iterator(chunk_size=...)``). Invalid filters give none.
    """
    return filtered_applications(call, params=params).prefetch_related(
        Prefetch("team", queryset=TeamMember.objects.select_related("user")),
        "attachments",
    )


def application_for_backoffice(call, reference):
    """Return the call's application with everything its page shows, or 404.

    An application of another call answers 404, whatever its reference.
    """
    queryset = Application.objects.filter(call=call).prefetch_related(
        Prefetch(
            "team",
            queryset=TeamMember.objects.select_related("user").order_by(
                "role", "joined_at"
            ),
        ),
        Prefetch(
            "requested_datasets",
            queryset=RequestedDataset.objects.select_related("dataset"),
        ),
        Prefetch(
            "attachments",
            queryset=Attachment.objects.select_related("uploaded_by", "question"),
        ),
        Prefetch(
            "submissions",
            queryset=Submission.objects.select_related("submitted_by").order_by(
                "-number"
            ),
        ),
        Prefetch(
            "emails",
            queryset=SentEmail.objects.select_related("sent_by")
            .prefetch_related("deliveries")
            .order_by("-created_at"),
        ),
    )
    try:
        return queryset.select_related("call", "created_by", "updated_by").get(
            reference=reference
        )
    except Application.DoesNotExist:
        raise Http404 from None


def application_history(application):
    """Return the application's audit events (a queryset), oldest first, with
    their actors."""
    return (
        AuditEvent.objects.for_object(application)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def _state_label(value):
    try:
        return ApplicationState(value).label
    except ValueError:
        return value or ""


def application_history_in_words(application):
    """Return the application's audit events, oldest first, each with a
    ``sentence`` (never an event code) and the ``state_before`` and
    ``state_after`` labels of a change of state ("" when none)."""
    events = list(application_history(application))
    for event in events:
        event.sentence = event_sentence(event)
        before, after = event.before or {}, event.after or {}
        event.state_before = _state_label(before.get("state"))
        event.state_after = _state_label(after.get("state"))
    return events


def latest_submission(application):
    """Return the last submission of a prefetched application, or None."""
    submissions = list(application.submissions.all())
    return max(submissions, key=lambda s: s.number) if submissions else None


def admissibility_checks(application):
    """Return the automatic pre-checks of the admissibility gates.

    A list of dicts ``{"key", "label", "passed", "detail"}``: eligible applicant
    type, at least one dataset, the Batignolles perimeter (the applicant's
    declaration: checked by a person), the charter accepted, complete.
    """
    from django.utils.translation import gettext as _

    call = application.call
    requested = list(application.requested_datasets.all())
    offered = {d.pk for d in call.datasets.all()}
    missing = _missing_fields(application)
    return [
        {
            "key": "eligible_type",
            "label": _("Eligible applicant type"),
            "passed": bool(application.applicant_type)
            and application.applicant_type in (call.eligible_types or []),
            "detail": application.get_applicant_type_display()
            or _("No applicant type given."),
        },
        {
            "key": "uses_dataset",
            "label": _("Uses at least one OpenBatignolles dataset"),
            "passed": any(r.dataset_id in offered for r in requested),
            "detail": ", ".join(r.dataset.name for r in requested)
            or _("No dataset requested."),
        },
        {
            "key": "perimeter",
            "label": _("Targets the Batignolles perimeter"),
            "passed": None,
            "detail": _("To be checked by reading the project."),
        },
        {
            "key": "charter",
            "label": _("Accepts the data charter"),
            "passed": application.accepts_charter,
            "detail": (
                _("Version %(version)s accepted.")
                % {"version": application.charter_version or call.charter.version}
            )
            if application.accepts_charter
            else _("The charter was not accepted."),
        },
        {
            "key": "complete",
            "label": _("Complete"),
            "passed": not missing,
            "detail": " ".join(str(message) for message in missing)
            or _("Every required field is filled in."),
        },
    ]


def _missing_fields(application):
    from .services.submission import completeness_problems

    return [message for _name, message in completeness_problems(application)]


def _paris_date(moment):
    return timezone.localtime(moment).date()


def call_overview(call, *, now=None):
    """Return the key figures and chart series of a call.

    Counts states, submitted applications by theme, applicant type and requested
    dataset, the cumulative number of applications submitted per day from the
    opening to the deadline (or today), and the drafts still open. A fixed
    number of queries whatever the number of applications.
    """
    now = now or timezone.now()
    applications = Application.objects.for_call(call)
    by_state = dict(
        applications.values_list("state").annotate(n=Count("id")).order_by()
    )
    submitted = applications.submitted()

    theme_counter = Counter()
    for themes in submitted.values_list("themes", flat=True):
        theme_counter.update(t for t in (themes or []) if t)
    by_theme = [(label, theme_counter.get(value, 0)) for value, label in Theme.choices]

    type_counts = dict(
        submitted.values_list("applicant_type").annotate(n=Count("id")).order_by()
    )
    by_type = [
        (label, type_counts.get(value, 0)) for value, label in ApplicantType.choices
    ]

    dataset_counts = dict(
        RequestedDataset.objects.filter(application__in=submitted)
        .values_list("dataset_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    datasets = list(Dataset.objects.filter(Q(calls=call) | Q(pk__in=dataset_counts)))
    datasets = sorted(set(datasets), key=lambda d: (d.position, d.slug))
    by_dataset = [(d.name, dataset_counts.get(d.pk, 0)) for d in datasets]

    # The first submission of each application dates its arrival.
    firsts = (
        Submission.objects.filter(application__call=call)
        .exclude(application__state=S.WITHDRAWN)
        .values("application_id")
        .annotate(first=Min("submitted_at"))
        .order_by()
    )
    per_day = Counter(_paris_date(row["first"]) for row in firsts)
    start = _paris_date(call.opens_at)
    end = _paris_date(min(call.closes_at, max(now, call.opens_at)))
    timeline = []
    total = 0
    day = start
    while day <= end:
        total += per_day.get(day, 0)
        timeline.append((day, per_day.get(day, 0), total))
        day += datetime.timedelta(days=1)

    drafts = list(
        applications.filter(state=S.DRAFT)
        .select_related("updated_by")
        .order_by("-updated_at")[:50]
    )
    return {
        "total": sum(by_state.values()),
        "by_state": [
            (value, label, by_state.get(value, 0)) for value, label in S.choices
        ],
        "submitted_count": sum(
            n for state, n in by_state.items() if state not in (S.DRAFT, S.WITHDRAWN)
        ),
        "draft_count": by_state.get(S.DRAFT, 0),
        "pending_count": by_state.get(S.SUBMITTED, 0),
        "by_theme": by_theme,
        "by_type": by_type,
        "by_dataset": by_dataset,
        "timeline": timeline,
        "drafts": drafts,
        "is_open": call.is_open_at(now),
        "days_left": max((call.closes_at - now).days, 0),
    }


def sent_emails_for_call(call):
    """Return the emails sent to the teams of the call's applications, newest first.

    Each with its outbox deliveries prefetched (``SentEmail.delivery_status``).
    """
    return (
        SentEmail.objects.filter(application__call=call)
        .select_related("application", "template", "sent_by")
        .prefetch_related("deliveries")
        .order_by("-created_at", "-id")
    )


# --- The programme's calendar ----------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """A dated step of a call, as the home page and the agenda show it.

    ``kind`` is one of ``opens``, ``closes``, ``review``, ``results``,
    ``demoday``. ``on`` is the Paris day (the first of the month when only the
    month is known); ``at`` the exact moment of an opening or a deadline;
    ``until`` the last day of the review.
    """

    kind: str
    call: Call
    on: datetime.date
    is_past: bool
    at: datetime.datetime | None = None
    until: datetime.date | None = None
    month_only: bool = False
    retained_count: int | None = None


_KIND_ORDER = {"opens": 0, "closes": 1, "review": 2, "results": 3, "demoday": 4}


def _demoday(call, when, today):
    if len(when) == 7:
        on = datetime.date.fromisoformat(f"{when}-01")
        is_past = (on.year, on.month) < (today.year, today.month)
        return Milestone("demoday", call, on, is_past, month_only=True)
    on = datetime.date.fromisoformat(when)
    return Milestone("demoday", call, on, on < today)


def call_milestones(*, now):
    """Return the published calls' milestones in date order, each past or to come.

    One query. A call gives its opening and deadline (exact moments), its
    review period and results day when set, and its DemoDay when
    ``PORTAL_DEMODAYS`` names it (until the workshops app holds DemoDays). The
    results milestone carries the number of retained projects once its day has
    come, never before. Days are Paris days.
    """
    today = timezone.localdate(now)
    calls = (
        Call.objects.published()
        .annotate(
            retained=Count("applications", filter=Q(applications__state=S.RETAINED))
        )
        .order_by("opens_at", "id")
    )
    demodays = settings.PORTAL_DEMODAYS
    milestones = []
    for call in calls:
        milestones += [
            Milestone(
                "opens",
                call,
                timezone.localdate(call.opens_at),
                call.opens_at <= now,
                at=call.opens_at,
            ),
            Milestone(
                "closes",
                call,
                timezone.localdate(call.closes_at),
                call.closes_at <= now,
                at=call.closes_at,
            ),
        ]
        if call.review_starts_on:
            until = call.review_ends_on or call.review_starts_on
            milestones.append(
                Milestone(
                    "review", call, call.review_starts_on, until < today, until=until
                )
            )
        if call.results_on:
            announced = call.results_on <= today
            milestones.append(
                Milestone(
                    "results",
                    call,
                    call.results_on,
                    announced,
                    retained_count=call.retained if announced else None,
                )
            )
        if call.slug in demodays:
            milestones.append(_demoday(call, demodays[call.slug], today))
    return sorted(
        milestones,
        key=lambda m: (
            m.on,
            m.at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
            _KIND_ORDER[m.kind],
        ),
    )
