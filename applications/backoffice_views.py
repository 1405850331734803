"""The organiser back office of the calls (under /gestion/appels/).

``BackOfficeMFAMiddleware`` already turned away users without a back-office
role (404) and required two-factor authentication; each view here also
requires the organiser role (a jury member gets 403).
"""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.permissions import organiser_required
from portal.charts import chart, dataset

from . import fields as registry
from . import selectors, services
from .backoffice_forms import (
    DEFAULT_GRID,
    AdmissibilityForm,
    CallForm,
    DecisionForm,
    EmailTemplateForm,
    ExtraQuestionFormSet,
    GridFormSet,
    TeamEmailForm,
)
from .enums import APPLICATION_TRANSITIONS, ApplicationState, CallPhase
from .exports import application_pdf, iter_applications_csv
from .jury.services.grid import current_grid
from .models import EmailTemplate, SentEmail
from .services.submission import application_content
from .validators import safe_pdf_name

S = ApplicationState
PAGE_SIZE = 25


def _error_messages(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


# --- Calls ------------------------------------------------------------------------


@require_http_methods(["GET"])
@organiser_required
def call_list(request):
    calls = selectors.calls_for_backoffice()
    return render(
        request,
        "applications/backoffice/call_list.html",
        {"calls": calls, "now": timezone.now()},
    )


def _question_data(formset):
    questions = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if not hasattr(form, "cleaned_data"):
            continue
        data = form.question_fields()
        data["id"] = form.instance.pk
        data["delete"] = formset._should_delete_form(form)
        if not data["id"] and data["delete"]:
            continue
        questions.append(data)
    return questions


@require_http_methods(["GET", "POST"])
@organiser_required
def call_edit(request, slug=None):
    call = selectors.call_for_backoffice(slug) if slug else None
    # Once a call has its versioned grid, the grid changes on its own page
    # (jury_bo:grid), where its lock is explained; the formset only makes
    # version 1.
    has_grid = call is not None and current_grid(call) is not None
    grid_formset = None
    if request.method == "POST":
        form = CallForm(request.POST, instance=call)
        if not has_grid:
            grid_formset = GridFormSet(request.POST, prefix="grid")
        question_formset = ExtraQuestionFormSet(
            request.POST, instance=call, prefix="questions"
        )
        grid_valid = grid_formset is None or grid_formset.is_valid()
        if form.is_valid() and grid_valid and question_formset.is_valid():
            saved = services.save_call(
                call,
                fields=form.call_fields(),
                datasets=form.cleaned_data["datasets"],
                grid=grid_formset.grid() if grid_formset is not None else None,
                questions=_question_data(question_formset),
                actor=request.user,
            )
            messages.success(request, _("The call is saved."))
            return redirect("applications_bo:call_overview", slug=saved.slug)
    else:
        initial = {}
        if call is None:
            initial = {"eligible_types": [], "themes": []}
        form = CallForm(instance=call, initial=initial)
        if not has_grid:
            grid = call.grid if call and call.grid else DEFAULT_GRID
            grid_formset = GridFormSet(prefix="grid", initial=grid)
        question_formset = ExtraQuestionFormSet(instance=call, prefix="questions")
    return render(
        request,
        "applications/backoffice/call_form.html",
        {
            "call": call,
            "form": form,
            "grid_formset": grid_formset,
            "question_formset": question_formset,
        },
    )


@require_POST
@organiser_required
def call_publish(request, slug):
    call = selectors.call_for_backoffice(slug)
    try:
        if request.POST.get("action") == "unpublish":
            services.unpublish_call(call, actor=request.user)
            messages.success(request, _("The call is no longer published."))
        else:
            services.publish_call(call, actor=request.user)
            messages.success(request, _("The call is published."))
    except services.CallError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    return redirect("applications_bo:call_overview", slug=call.slug)


def _chart(kind, labels, label, values, *, title):
    return chart(
        kind,
        labels,
        [dataset(label, values)],
        title=title,
        integers=True,
        legend=kind == "line",
    )


@require_http_methods(["GET"])
@organiser_required
def call_overview(request, slug):
    call = selectors.call_for_backoffice(slug)
    overview = selectors.call_overview(call)
    timeline = overview["timeline"]
    days = [day for day, _n, _t in timeline]
    totals = [total for _d, _n, total in timeline]
    # An open call's axis runs to the deadline; the days to come stay empty.
    deadline = timezone.localtime(call.closes_at).date()
    while days and days[-1] < deadline:
        days.append(days[-1] + datetime.timedelta(days=1))
        totals.append(None)
    charts = {
        "timeline": _chart(
            "line",
            [day.isoformat() for day in days],
            _("Applications submitted (cumulative)"),
            totals,
            title=_("Applications over time up to the deadline"),
        ),
    }
    for key, rows, title in (
        ("themes", overview["by_theme"], _("By theme")),
        ("types", overview["by_type"], _("By applicant type")),
        ("datasets", overview["by_dataset"], _("By requested dataset")),
    ):
        charts[key] = _chart(
            "bar",
            [label for label, _n in rows],
            _("Applications"),
            [n for _l, n in rows],
            title=title,
        )
    return render(
        request,
        "applications/backoffice/call_overview.html",
        {
            "call": call,
            "overview": overview,
            "charts": charts,
            "questions": call.extra_questions.all(),
            "datasets": call.datasets.all(),
        },
    )


# --- Applications -----------------------------------------------------------------


def _querystring(request, **overrides):
    params = request.GET.copy()
    for key, value in overrides.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


SORT_COLUMNS = [
    ("reference", "reference"),
    ("title", "title"),
    ("organisation", "organisation"),
    ("type", "type"),
    ("state", "state"),
    ("submitted", "submitted"),
    ("updated", "updated"),
]


@require_http_methods(["GET"])
@organiser_required
def application_list(request, slug):
    call = selectors.call_for_backoffice(slug)
    filterset = selectors.applications_for_backoffice(call, params=request.GET)
    applications = filterset.qs if filterset.is_valid() else filterset.qs.none()
    paginator = Paginator(applications, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    current_sort = request.GET.get("sort", "")
    sort_links = {}
    for key, field in SORT_COLUMNS:
        descending = current_sort == field
        sort_links[key] = {
            "url": "?"
            + _querystring(
                request, sort=("-" + field) if descending else field, page=None
            ),
            "active": current_sort in (field, "-" + field),
            "descending": current_sort == "-" + field,
        }
    return render(
        request,
        "applications/backoffice/application_list.html",
        {
            "call": call,
            "filterset": filterset,
            "page": page,
            "sort_links": sort_links,
            "filters_query": _querystring(request, page=None),
        },
    )


@require_http_methods(["GET"])
@organiser_required
def application_export(request, slug):
    call = selectors.call_for_backoffice(slug)
    applications = selectors.applications_for_export(call, params=request.GET)
    response = StreamingHttpResponse(
        iter_applications_csv(applications, call=call),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="candidatures-{call.slug}-{stamp}.csv"'
    )
    return response


def _application_context(call, application, **forms):
    submission = selectors.latest_submission(application)
    submission_sections, live_sections = _content_sections(application, submission)
    allowed = APPLICATION_TRANSITIONS[S(application.state)]
    decidable = bool(allowed & {S.RETAINED, S.WAITING_LIST, S.NOT_RETAINED})
    checkable = bool(allowed & {S.ADMISSIBLE, S.INADMISSIBLE})
    try:
        services.check_admissibility_open(application)
        admissibility_open = True
    except services.ApplicationStateError:
        admissibility_open = False
    context = {
        "call": call,
        "application": application,
        "submission": submission,
        "submissions": sorted(
            application.submissions.all(), key=lambda s: s.number, reverse=True
        ),
        "jury_submission": _jury_submission(application),
        "submission_sections": submission_sections,
        "live_sections": live_sections,
        "team": list(application.team.all()),
        "requested": list(application.requested_datasets.all()),
        "attachments": list(application.attachments.all()),
        "history": selectors.application_history_in_words(application),
        "checks": selectors.admissibility_checks(application),
        "emails": list(application.emails.all()),
        "can_decide_admissibility": checkable and admissibility_open,
        "admissibility_waits_for_deadline": checkable and not admissibility_open,
        # The review and the decisions follow the call's jury phase.
        "can_start_review": S.UNDER_REVIEW in allowed
        and call.phase in (CallPhase.REVIEW, CallPhase.DELIBERATION),
        "can_decide": decidable and call.phase == CallPhase.DELIBERATION,
        "decision_waits_for_phase": decidable and call.phase != CallPhase.DELIBERATION,
        "admissibility_form": forms.get("admissibility_form") or AdmissibilityForm(),
        "decision_form": forms.get("decision_form") or _decision_form(application),
    }
    return context


def _jury_submission(application):
    """The last submission made before the deadline: the one the jury reviews."""
    before = [
        s
        for s in application.submissions.all()
        if s.submitted_at < application.call.closes_at
    ]
    return max(before, key=lambda s: s.number) if before else None


def _decision_form(application, data=None):
    form = DecisionForm(data)
    allowed = APPLICATION_TRANSITIONS[S(application.state)]
    form.fields["decision"].choices = [
        (value, label)
        for value, label in form.fields["decision"].choices
        if value in allowed
    ]
    return form


def _content_sections(application, submission):
    """The frozen and the live content, section by section, read through the
    registry: labels and readable values, never stored codes."""
    questions = list(application.call.extra_questions.all())
    by_id = {question.pk: question for question in questions}
    frozen = (
        registry.content_sections(submission.content, questions=by_id)
        if submission is not None
        else []
    )
    live = registry.content_sections(
        application_content(application, questions=questions), questions=by_id
    )
    return frozen, live


@require_http_methods(["GET"])
@organiser_required
def application_detail(request, slug, reference):
    call = selectors.call_for_backoffice(slug)
    application = selectors.application_for_backoffice(call, reference)
    return render(
        request,
        "applications/backoffice/application_detail.html",
        _application_context(call, application),
    )


def _detail_url(call, application):
    return reverse(
        "applications_bo:application_detail",
        kwargs={"slug": call.slug, "reference": application.reference},
    )


@require_POST
@organiser_required
def application_admissibility(request, slug, reference):
    call = selectors.call_for_backoffice(slug)
    application = selectors.application_for_backoffice(call, reference)
    form = AdmissibilityForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == AdmissibilityForm.ADMISSIBLE:
                services.mark_admissible(application, actor=request.user)
                messages.success(request, _("The application is admissible."))
            else:
                services.mark_inadmissible(
                    application,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("The application is inadmissible; the team is told why."),
                )
            return redirect(_detail_url(call, application))
        except services.ApplicationStateError as error:
            for message in _error_messages(error):
                form.add_error(None, message)
    context = _application_context(call, application, admissibility_form=form)
    return render(
        request,
        "applications/backoffice/application_detail.html",
        context,
        status=400,
    )


@require_POST
@organiser_required
def application_start_review(request, slug, reference):
    call = selectors.call_for_backoffice(slug)
    application = selectors.application_for_backoffice(call, reference)
    try:
        services.start_review(application, actor=request.user)
        messages.success(request, _("The application is now under review."))
    except services.ApplicationStateError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    return redirect(_detail_url(call, application))


@require_POST
@organiser_required
def application_decision(request, slug, reference):
    call = selectors.call_for_backoffice(slug)
    application = selectors.application_for_backoffice(call, reference)
    form = _decision_form(application, request.POST)
    if form.is_valid():
        try:
            services.decide_application(
                application,
                form.cleaned_data["decision"],
                feedback=form.cleaned_data["feedback"],
                actor=request.user,
            )
            messages.success(request, _("The decision is recorded; the team is told."))
            return redirect(_detail_url(call, application))
        except services.ApplicationStateError as error:
            for message in _error_messages(error):
                form.add_error(None, message)
    context = _application_context(call, application, decision_form=form)
    return render(
        request,
        "applications/backoffice/application_detail.html",
        context,
        status=400,
    )


@require_http_methods(["GET"])
@organiser_required
def application_pdf_view(request, slug, reference):
    call = selectors.call_for_backoffice(slug)
    application = selectors.application_for_backoffice(call, reference)
    submission_id = request.GET.get("submission")
    submission = None
    if submission_id:
        submission = next(
            (s for s in application.submissions.all() if str(s.pk) == submission_id),
            None,
        )
        if submission is None:
            raise Http404
    else:
        # The frozen content organisers examine: the last submission, if any.
        submission = selectors.latest_submission(application)
    pdf = application_pdf(application, submission=submission)
    if pdf is None:
        raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{application.reference}.pdf"'
    )
    return response


@require_http_methods(["GET"])
@organiser_required
def attachment_download(request, slug, reference, attachment_id):
    call = selectors.call_for_backoffice(slug)
    application = selectors.application_for_backoffice(call, reference)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_pdf_name(attachment.original_name),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Emails to teams ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@organiser_required
def team_email(request, slug):
    call = selectors.call_for_backoffice(slug)
    filterset = selectors.applications_for_backoffice(call, params=request.GET)
    applications = list(filterset.qs) if filterset.is_valid() else []
    form = TeamEmailForm(request.POST or request.GET or None)
    preview = None
    if form.is_valid() and applications:
        template = form.cleaned_data["template"]
        if request.method == "POST":
            sent = services.queue_team_emails(
                applications,
                template,
                actor=request.user,
                batch=request.POST.get("batch", "")[:64],
            )
            messages.success(
                request,
                _("%(count)s emails are queued.") % {"count": len(sent)},
            )
            return redirect("applications_bo:sent_email_list", slug=call.slug)
        sample = SentEmail(
            application=applications[0], template=template, kind="team_message"
        )
        leads = getattr(applications[0], "leads", [])
        name = leads[0].user.display_name if leads else ""
        preview = [
            (code, *services.render_team_email(sample, language=code, name=name))
            for code in ("fr", "en")
        ]
    elif request.method == "POST" and not applications:
        messages.error(request, _("No application matches these filters."))
    return render(
        request,
        "applications/backoffice/team_email.html",
        {
            "batch": uuid.uuid4().hex,
            "call": call,
            "filterset": filterset,
            "applications": applications,
            "form": form,
            "preview": preview,
            "filters_query": _querystring(request, template=None, page=None),
        },
    )


@require_http_methods(["GET"])
@organiser_required
def sent_email_list(request, slug):
    call = selectors.call_for_backoffice(slug)
    paginator = Paginator(selectors.sent_emails_for_call(call), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "applications/backoffice/sent_email_list.html",
        {"call": call, "page": page},
    )


@require_http_methods(["GET"])
@organiser_required
def template_list(request):
    return render(
        request,
        "applications/backoffice/template_list.html",
        {"templates": EmailTemplate.objects.all()},
    )


@require_http_methods(["GET", "POST"])
@organiser_required
def template_edit(request, template_slug=None):
    template = (
        get_object_or_404(EmailTemplate, slug=template_slug) if template_slug else None
    )
    form = EmailTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.save_email_template(
            template, fields=dict(form.cleaned_data), actor=request.user
        )
        messages.success(request, _("The email template is saved."))
        return redirect("applications_bo:template_list")
    return render(
        request,
        "applications/backoffice/template_form.html",
        {"template": template, "form": form},
    )
