"""Jury pages: ranking, progress and reminders, deliberation, release, audit.

All are organisers' pages (``/gestion/jury/<slug>/...``): a juror gets 403.
"""

from html import escape

from defusedcsv import csv
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.permissions import organiser_required

from ...enums import ApplicationState, CallPhase
from ...exports import BOM, DELIMITER, _Echo, spreadsheet_safe
from ...filters import ADMISSIBLE_STATES
from ...models import Application, Call
from ...services.emails import active_team_users, email_language
from ..audit import Words
from ..forms.deliberation import DecisionForm, ReleaseForm
from ..models import Decision, JuryMembership
from ..selectors.assignment import ASSIGNABLE_STATES
from ..selectors.ranking import (
    SORT_KEYS,
    audit_events_for_call,
    clean_sort,
    progress_for_call,
    ranking_for_call,
)
from ..services.deliberation import (
    DeliberationError,
    missing_decisions,
    record_decision,
    release_decisions,
    remind_late_jurors,
    render_decision_email,
    send_reminder,
)

# Column titles of the ranking, by sort key.
COLUMNS = {
    "reference": gettext_lazy("Reference"),
    "title": gettext_lazy("Title"),
    "mean": gettext_lazy("Mean"),
    "median": gettext_lazy("Median"),
    "spread": gettext_lazy("Spread (max − min)"),
    "deviation": gettext_lazy("Standard deviation"),
    "normalised": gettext_lazy("Normalised score"),
    "sheets": gettext_lazy("Sheets received / assigned"),
}


def _call(slug):
    return get_object_or_404(Call, slug=slug)


def _error_messages(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _sort_links(request, current):
    links = {}
    for key in SORT_KEYS:
        active = current.lstrip("-") == key
        descending = current == "-" + key
        # Figures read best highest first; words from A to Z.
        first = key if key in {"reference", "title"} else "-" + key
        target = (key if descending else "-" + key) if active else first
        links[key] = {
            "label": COLUMNS[key],
            "url": f"{request.path}?{urlencode({'sort': target})}",
            "active": active,
            "descending": descending,
        }
    return links


def _rounded(value, places=1):
    return None if value is None else round(value, places)


# The badge of each application state (as applications/backoffice/_state_badge).
BADGES = {
    "admissible": "badge-success",
    "retained": "badge-success",
    "not_retained": "badge-danger",
    "under_review": "badge-warning",
    "waiting_list": "badge-warning",
}


def _number(value, places, separator):
    if value is None:
        return "—"
    text = f"{value:.{places}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")  # no "-0.00"
    return text.replace(".", separator)


def with_cells(rows):
    """Give each ranking row its figure cells and state badge (``cells_html``).

    Formatted here rather than by template filters: 500 rows × 6 figures
    through ``floatformat`` cost more than the whole ranking's arithmetic.
    """
    separator = formats.get_format("DECIMAL_SEPARATOR")
    # Each cell names its column (data-label): on a phone the table becomes
    # a list of cards (table-list in portal.css) that shows it.
    columns = [
        escape(str(COLUMNS[key]))
        for key in ("mean", "median", "spread", "deviation", "normalised", "sheets")
    ]
    state_column = escape(_("State"))
    labels = {}
    for row in rows:
        if row.state not in labels:
            labels[row.state] = escape(str(row.state_label))
        cells = [
            _number(row.mean, 1, separator),
            _number(row.median, 1, separator),
            _number(row.spread, 1, separator),
            _number(row.deviation, 1, separator),
            _number(row.normalised, 2, separator),
            f"{row.received} / {row.assigned}",
        ]
        # Numbers only, escaped anyway: one string per row keeps the
        # template's work per row small.
        row.cells_html = mark_safe(  # noqa: S308
            "".join(
                f'<td data-label="{column}">{escape(cell)}</td>'
                for column, cell in zip(columns, cells, strict=True)
            )
            + f'<td data-label="{state_column}">'
            + f'<span class="badge {BADGES.get(row.state, "badge-muted")}">'
            + f"{labels[row.state]}</span></td>"
        )
    return rows


def juror_chart(jurors):
    """A Chart.js config: per juror the range of their weighted scores (a
    floating bar from lowest to highest) with their mean and median."""
    scored = [juror for juror in jurors if juror.sheets]
    return {
        "type": "bar",
        "data": {
            "labels": [juror.name for juror in scored],
            "datasets": [
                {
                    "type": "bar",
                    "label": str(_("Lowest to highest score")),
                    "data": [
                        [_rounded(juror.minimum), _rounded(juror.maximum)]
                        for juror in scored
                    ],
                    "backgroundColor": "rgba(29, 79, 145, 0.35)",
                },
                {
                    "type": "line",
                    "label": str(_("Mean")),
                    "data": [_rounded(juror.mean) for juror in scored],
                    "showLine": False,
                    "pointRadius": 6,
                    "pointStyle": "circle",
                },
                {
                    "type": "line",
                    "label": str(_("Median")),
                    "data": [_rounded(juror.median) for juror in scored],
                    "showLine": False,
                    "pointRadius": 6,
                    "pointStyle": "rectRot",
                },
            ],
        },
        "options": {
            "responsive": True,
            "plugins": {
                "title": {
                    "display": True,
                    "text": str(_("Weighted scores given by each juror (0-100)")),
                },
                "legend": {"position": "bottom"},
            },
            "scales": {"y": {"min": 0, "max": 100}},
        },
    }


@require_http_methods(["GET"])
@organiser_required
def ranking(request, slug):
    call = _call(slug)
    sort = clean_sort(request.GET.get("sort"))
    result = ranking_for_call(call, sort=sort, viewer=request.user)
    with_cells(result.rows)
    return render(
        request,
        "jury/deliberation_ranking.html",
        {
            "call": call,
            "ranking": result,
            "sort_links": _sort_links(request, sort),
            "chart": juror_chart(result.jurors),
        },
    )


@require_http_methods(["GET"])
@organiser_required
def progress(request, slug):
    call = _call(slug)
    return render(
        request,
        "jury/deliberation_progress.html",
        {
            "call": call,
            "progress": progress_for_call(call),
            "in_review": call.phase == CallPhase.REVIEW,
            "today": timezone.localdate(),
        },
    )


@require_POST
@organiser_required
def remind(request, slug, membership_id):
    call = _call(slug)
    membership = get_object_or_404(JuryMembership, pk=membership_id, call=call)
    try:
        email = send_reminder(membership, actor=request.user)
    except DeliberationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        name = membership.user.display_name
        if email is None:
            messages.info(
                request,
                _("%(name)s was already reminded today.") % {"name": name},
            )
        else:
            messages.success(
                request, _("A reminder was sent to %(name)s.") % {"name": name}
            )
    return redirect("jury_bo:progress", slug=call.slug)


@require_POST
@organiser_required
def remind_all(request, slug):
    call = _call(slug)
    try:
        count = remind_late_jurors(call, actor=request.user)
    except DeliberationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect("jury_bo:progress", slug=call.slug)
    if count:
        messages.success(
            request,
            _("Reminders sent: %(count)s.") % {"count": count},
        )
    else:
        messages.info(
            request, _("No reminder to send: the late jurors were reminded today.")
        )
    return redirect("jury_bo:progress", slug=call.slug)


@require_http_methods(["GET", "POST"])
@organiser_required
def deliberation(request, slug):
    call = _call(slug)
    release_form = ReleaseForm(request.POST or None)
    if request.method == "POST":
        if call.phase != CallPhase.DELIBERATION:
            messages.error(
                request, _("Decisions are released at the end of the deliberation.")
            )
            return redirect("jury_bo:deliberation", slug=call.slug)
        if release_form.is_valid():
            try:
                count = release_decisions(call, actor=request.user)
            except DeliberationError as error:
                for message in _error_messages(error):
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("%(count)s decisions released; the teams are being emailed.")
                    % {"count": count},
                )
                return redirect("jury_bo:deliberation", slug=call.slug)
    sort = clean_sort(request.GET.get("sort"))
    result = ranking_for_call(call, sort=sort, with_decisions=True, viewer=request.user)
    with_cells(result.rows)
    missing = missing_decisions(call) if call.phase == CallPhase.DELIBERATION else []
    return render(
        request,
        "jury/deliberation_board.html",
        {
            "call": call,
            "ranking": result,
            "sort_links": _sort_links(request, sort),
            "in_deliberation": call.phase == CallPhase.DELIBERATION,
            "missing": missing,
            "release_form": release_form,
        },
    )


def _application(call, reference):
    application = (
        Application.objects.filter(
            call=call, reference=reference, state__in=ADMISSIBLE_STATES
        )
        .select_related("call")
        .first()
    )
    if application is None:
        raise Http404
    return application


def _figures(call, application, viewer):
    # 404 for an organiser who sits on the jury and is conflicted with it.
    result = ranking_for_call(call, viewer=viewer)
    for row in result.rows:
        if row.application_id == application.pk:
            return with_cells([row])[0]
    raise Http404


@require_http_methods(["GET", "POST"])
@organiser_required
def decide(request, slug, reference):
    call = _call(slug)
    application = _application(call, reference)
    row = _figures(call, application, request.user)
    decision = Decision.objects.filter(application=application).first()
    editable = (
        call.phase == CallPhase.DELIBERATION
        and application.state in ASSIGNABLE_STATES
        and (decision is None or decision.released_at is None)
    )
    initial = {}
    if decision is not None:
        initial = {
            "outcome": decision.outcome,
            "motivation": decision.motivation,
            "feedback": decision.feedback,
        }
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Decisions are recorded during deliberation."))
            return redirect(
                "jury_bo:deliberation_application", slug=call.slug, reference=reference
            )
        if form.is_valid():
            try:
                record_decision(application, actor=request.user, **form.cleaned_data)
            except DeliberationError as error:
                for message in _error_messages(error):
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "Decision on %(reference)s recorded; it stays pending until "
                        "the release."
                    )
                    % {"reference": application.reference},
                )
                return redirect(
                    "jury_bo:deliberation_application",
                    slug=call.slug,
                    reference=reference,
                )
    previews = []
    if decision is not None:
        users = active_team_users(application)
        for user in users:
            subject, body = render_decision_email(
                application,
                decision,
                language=email_language(user),
                name=user.display_name,
            )
            previews.append({"to": user.email, "subject": subject, "body": body})
    return render(
        request,
        "jury/deliberation_decide.html",
        {
            "call": call,
            "application": application,
            "row": row,
            "decision": decision,
            "decision_label": (
                ApplicationState(decision.outcome).label if decision else ""
            ),
            "form": form,
            "editable": editable,
            "previews": previews,
        },
    )


# --- Audit export ---------------------------------------------------------------


def _object(event):
    if event.target_type_id is None:
        return ""
    model = event.target_type.model_class()
    name = model._meta.verbose_name if model else event.target_type.model
    return f"{str(name).capitalize()} #{event.target_id}"


def audit_rows(call):
    """Yield the header and one row per audit event of ``call``'s jury, in
    words: the event's sentence and its values, never codes or JSON."""
    yield [
        _("Time (Paris)"),
        _("Actor"),
        _("Event"),
        _("Object"),
        _("Before"),
        _("After"),
        _("Details"),
    ]
    words = Words(call)
    for event in audit_events_for_call(call).iterator(chunk_size=500):
        actor = event.actor
        yield [
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            f"{actor.display_name} <{actor.email}>" if actor else _("The portal"),
            words.sentence(event),
            _object(event),
            words.pairs(event.before),
            words.pairs(event.after),
            words.pairs(event.data),
        ]


@require_http_methods(["GET"])
@organiser_required
def audit_csv(request, slug):
    call = _call(slug)
    writer = csv.writer(_Echo(), delimiter=DELIMITER)

    def lines():
        yield BOM
        for row in audit_rows(call):
            yield writer.writerow([spreadsheet_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"audit-jury-{call.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = []
backoffice_urls = [
    path("<slug:slug>/classement/", ranking, name="ranking"),
    path("<slug:slug>/avancement/", progress, name="progress"),
    path(
        "<slug:slug>/avancement/relances/",
        remind_all,
        name="remind_all",
    ),
    path(
        "<slug:slug>/avancement/relance/<int:membership_id>/",
        remind,
        name="remind",
    ),
    path("<slug:slug>/deliberation/", deliberation, name="deliberation"),
    path(
        "<slug:slug>/deliberation/<str:reference>/",
        decide,
        name="deliberation_application",
    ),
    path("<slug:slug>/audit.csv", audit_csv, name="audit_csv"),
]
