"""Public pages of the calls and the applicant's pages.

Views are thin: they check permissions (``permissions.py``), call services and
render. An application outside the user's reach answers 404; a visible one the
user may not change answers 403.
"""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import markdown
import nh3
from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.permissions import has_verified_email

from .enums import ApplicantType, ApplicationState, QuestionKind, Theme
from .forms import ApplicationForm, AttachmentForm, EligibilityForm, InvitationForm
from .models import Application, Attachment, Call, TeamInvitation, TeamMember
from .pdf import render_application_pdf
from .permissions import (
    can_edit_application,
    can_manage_team,
    can_view_application,
    can_withdraw_application,
    is_team_member,
)
from .services import (
    ApplicationStateError,
    DeadlinePassedError,
    IncompleteApplicationError,
    NotEligibleError,
    TeamError,
    accept_invitation,
    add_attachment,
    application_timeline,
    applications_for_applicant,
    check_editable,
    completeness_problems,
    create_application,
    deadline_passed_error,
    invite_member,
    remove_attachment,
    remove_member,
    revoke_invitation,
    save_draft,
    submit_application,
    withdraw_application,
)

PARIS = ZoneInfo("Europe/Paris")
DRAFT_TOKEN_SALT = "applications.draft"
DRAFT_TOKEN_MAX_AGE = timedelta(hours=24)

# --- Helpers ------------------------------------------------------------------


def render_markdown(text):
    """Render Markdown written by organisers to sanitised HTML."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"])
    return nh3.clean(html)


def _days(count):
    return ngettext("%(count)s day", "%(count)s days", count)


def _hours(count):
    return ngettext("%(count)s hour", "%(count)s hours", count)


def _minutes(count):
    return ngettext("%(count)s minute", "%(count)s minutes", count)


def remaining_text(delta):
    """Say how long is left, e.g. "3 days 4 hours" (to the minute below an hour)."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        parts = [_days(days) % {"count": days}]
        if hours:
            parts.append(_hours(hours) % {"count": hours})
    elif hours:
        parts = [_hours(hours) % {"count": hours}]
        if minutes:
            parts.append(_minutes(minutes) % {"count": minutes})
    else:
        minutes = max(minutes, 1)
        parts = [_minutes(minutes) % {"count": minutes}]
    return " ".join(parts)


def call_status(call, now):
    if now < call.opens_at:
        return "upcoming"
    if now < call.closes_at:
        return "open"
    return "closed"


STATUS_LABELS = {
    "upcoming": gettext_lazy("Opens soon"),
    "open": gettext_lazy("Open"),
    "closed": gettext_lazy("Closed"),
}
STATUS_BADGES = {
    "upcoming": "badge-warning",
    "open": "badge-success",
    "closed": "badge-muted",
}


def countdown_config(call, now):
    """What static/js/countdown.js needs to update the remaining time."""
    return {
        "closes_at": call.closes_at.isoformat(),
        "template": _("Closes in %(remaining)s"),
        "closed": _("The call is closed."),
        "units": {
            "day": [_days(1), _days(2)],
            "hour": [_hours(1), _hours(2)],
            "minute": [_minutes(1), _minutes(2)],
        },
    }


def _dataset_url(dataset):
    try:
        return reverse("datasets:dataset_detail", kwargs={"slug": dataset.slug})
    except NoReverseMatch:
        return ""


def _paris(moment):
    return timezone.localtime(moment, PARIS) if moment else None


def make_draft_token(application, user):
    """A signed token letting ``user`` save ``application`` for 24 hours.

    It lets an autosave through when the session has expired, so no text is
    lost; the user is then asked to log in again.
    """
    return signing.dumps(
        {"u": user.pk, "a": application.pk}, salt=DRAFT_TOKEN_SALT, compress=True
    )


def user_from_draft_token(token, application):
    """Return the user the token was issued to for ``application``, or None."""
    if not token:
        return None
    try:
        data = signing.loads(
            token, salt=DRAFT_TOKEN_SALT, max_age=DRAFT_TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        return None
    if data.get("a") != application.pk:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()


def _application_or_404(request, reference, *, user=None):
    """The application if ``user`` may see it; 404 otherwise."""
    user = user if user is not None else request.user
    application = get_object_or_404(
        Application.objects.select_related("call__charter"), reference=reference
    )
    if not can_view_application(user, application):
        raise Http404
    return application


def _editable_or_403(user, application):
    if not can_edit_application(user, application):
        raise PermissionDenied


# --- Public pages -------------------------------------------------------------


@require_GET
def call_list(request):
    now = timezone.now()
    calls = list(Call.objects.published().order_by("-opens_at"))
    for call in calls:
        call.status = call_status(call, now)
        call.status_label = STATUS_LABELS[call.status]
        call.status_badge = STATUS_BADGES[call.status]
    return render(
        request,
        "applications/call_list.html",
        {"calls": calls, "now": now},
    )


@require_GET
def call_detail(request, slug):
    call = get_object_or_404(
        Call.objects.published().select_related("charter"), slug=slug
    )
    now = timezone.now()
    status = call_status(call, now)
    datasets = list(call.datasets.order_by("position", "slug"))
    for dataset in datasets:
        dataset.url = _dataset_url(dataset)
    my_applications = []
    if request.user.is_authenticated:
        my_applications = list(
            applications_for_applicant(request.user).filter(call=call)
        )
    type_labels = dict(ApplicantType.choices)
    theme_labels = dict(Theme.choices)
    return render(
        request,
        "applications/call_detail.html",
        {
            "call": call,
            "status": status,
            "status_label": STATUS_LABELS[status],
            "status_badge": STATUS_BADGES[status],
            "is_open": status == "open",
            "text_html": render_markdown(call.text),
            "faq_html": render_markdown(call.faq),
            "charter_html": render_markdown(call.charter.text),
            "eligible_types": [
                type_labels[value]
                for value in call.eligible_types or []
                if value in type_labels
            ],
            "themes": [
                theme_labels[value]
                for value in call.themes or []
                if value in theme_labels
            ],
            "datasets": datasets,
            "opens_at": _paris(call.opens_at),
            "closes_at": _paris(call.closes_at),
            "remaining": remaining_text(call.closes_at - now)
            if status == "open"
            else "",
            "countdown": countdown_config(call, now),
            "my_applications": my_applications,
        },
    )


# --- Eligibility and creation -----------------------------------------------


@verified_email_required
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    call = get_object_or_404(
        Call.objects.published().select_related("charter"), slug=slug
    )
    now = timezone.now()
    if not call.is_open_at(now):
        messages.error(request, _("This call is not open for applications."))
        return redirect("applications:call_detail", slug=call.slug)
    reasons = []
    form = EligibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = create_application(
                call,
                actor=request.user,
                applicant_type=form.cleaned_data["applicant_type"],
                uses_dataset=form.cleaned_data["uses_dataset"],
                in_perimeter=form.cleaned_data["in_perimeter"],
            )
        except NotEligibleError as exc:
            reasons = exc.reasons
        except DeadlinePassedError as exc:
            messages.error(request, exc.messages[0])
            return redirect("applications:call_detail", slug=call.slug)
        else:
            messages.success(
                request,
                _(
                    "Your application %(reference)s is created. It saves itself "
                    "while you type."
                )
                % {"reference": application.reference},
            )
            return redirect(
                "applications:application_edit", reference=application.reference
            )
    return render(
        request,
        "applications/eligibility.html",
        {"call": call, "form": form, "reasons": reasons},
        status=200,
    )


# --- The application form -----------------------------------------------------


def _conflict_message(value):
    shown = value
    if isinstance(value, bool):
        shown = _("ticked") if value else _("not ticked")
    elif isinstance(value, list):
        shown = ", ".join(str(item) for item in value)
    return _(
        "Someone in your team changed this field after you opened the page. "
        "Their version: “%(theirs)s”. Your text is kept here: save again to "
        "replace theirs, or copy what you need."
    ) % {"theirs": shown}


def _edit_context(request, application, form, *, user):
    attachments = list(
        application.attachments.select_related("question").order_by("uploaded_at")
    )
    file_questions = [
        question
        for question in form.questions
        if question.kind == QuestionKind.FILE
    ]
    for question in file_questions:
        question.attachment = next(
            (item for item in attachments if item.question_id == question.pk), None
        )
    for name in form.draft_names:
        bound = form[name]
        bound.hidden_initial = bound.as_hidden(only_initial=True)
    sections = []
    for section in form.sections:
        sections.append(
            {
                **section,
                "fields": [form[name] for name in section["names"]],
            }
        )
    datasets = []
    for dataset in form.datasets:
        datasets.append(
            {
                "dataset": dataset,
                "url": _dataset_url(dataset),
                "requested": form[f"dataset_{dataset.pk}"],
                "purpose": form[f"dataset_{dataset.pk}_purpose"],
                "granularity": form[f"dataset_{dataset.pk}_granularity"],
            }
        )
    used = sum(item.size for item in attachments)
    return {
        "application": application,
        "call": application.call,
        "form": form,
        "sections": sections,
        "requested_datasets": datasets,
        "attachments": attachments,
        "file_questions": file_questions,
        "attachment_form": AttachmentForm(),
        "used_mb": round(used / (1024 * 1024), 1),
        "closes_at": _paris(application.call.closes_at),
        "autosave_config": {
            "url": reverse(
                "applications:autosave", kwargs={"reference": application.reference}
            ),
            "storage_key": f"openbatignolles-draft-{application.reference}",
            "login_url": reverse("account_login")
            + "?next="
            + reverse(
                "applications:application_edit",
                kwargs={"reference": application.reference},
            ),
            "messages": {
                "saving": _("Saving…"),
                "saved": _("Saved at %(time)s"),
                "offline": _(
                    "Not saved: no connection. Your text is kept in this browser "
                    "and will be sent again."
                ),
                "conflict": _(
                    "Someone in your team changed %(count)s field(s) at the same "
                    "time. Your text is kept; see the fields marked below."
                ),
                "session": _(
                    "Your text is saved, but your session has expired: log in "
                    "again to continue."
                ),
                "error": _("Not saved: %(error)s"),
                "restore": _(
                    "This browser kept text that was not saved yet. Restore it?"
                ),
                "restore_button": _("Restore my unsaved text"),
                "discard_button": _("Discard it"),
                "theirs": _("Their version:"),
            },
        },
        "is_lead": can_manage_team(user, application),
    }


@require_http_methods(["GET", "POST"])
def application_edit(request, reference):
    application = get_object_or_404(
        Application.objects.select_related("call__charter"), reference=reference
    )
    user = request.user if request.user.is_authenticated else None
    if user is None:
        token_user = None
        if request.method == "POST":
            token_user = user_from_draft_token(
                request.POST.get("draft_token"), application
            )
        if token_user is None or not can_edit_application(token_user, application):
            return redirect_to_login(request.get_full_path())
        # The session expired while typing: save, then ask to log in again.
        form = ApplicationForm(application, data=request.POST)
        values, _errors = form.clean_draft(form.posted_raw())
        try:
            save_draft(
                application,
                actor=token_user,
                values=values,
                base_version=_int(request.POST.get("version")),
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.info(
                request,
                _("Your text is saved. Your session expired: log in again."),
            )
        return redirect_to_login(request.get_full_path())
    if not has_verified_email(user):
        return verified_email_required(lambda request: None)(request)
    application = _application_or_404(request, reference)
    if not is_team_member(user, application):
        raise PermissionDenied
    try:
        # A team whose application can no longer change is told why.
        check_editable(application)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(
            "applications:application_detail", reference=application.reference
        )
    _editable_or_403(user, application)
    token = make_draft_token(application, user)
    if request.method == "GET":
        form = ApplicationForm(
            application,
            initial={"version": application.version, "draft_token": token},
        )
        return render(
            request,
            "applications/application_form.html",
            _edit_context(request, application, form, user=user),
        )
    form = ApplicationForm(application, data=request.POST)
    values, errors = form.clean_draft(form.posted_raw())
    try:
        result = save_draft(
            application,
            actor=user,
            values=values,
            base_version=_int(request.POST.get("version")),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(
            "applications:application_detail", reference=application.reference
        )
    if not errors and not result.conflicts:
        messages.success(
            request,
            _("Saved at %(time)s.")
            % {"time": formats.time_format(_paris(result.saved_at), "H:i")},
        )
        if "check" in request.POST:
            return redirect("applications:submit", reference=application.reference)
        return redirect(
            "applications:application_edit", reference=application.reference
        )
    data = request.POST.copy()
    data["version"] = str(result.version)
    data["draft_token"] = token
    form = ApplicationForm(application, data=data)
    form.full_clean()
    for name, message in errors.items():
        if name not in form.errors:
            form.add_error(name, message)
    for name, theirs in result.conflicts.items():
        form.add_error(name, _conflict_message(theirs))
    messages.warning(
        request,
        _("Some fields were not saved: see the messages next to them."),
    )
    return render(
        request,
        "applications/application_form.html",
        _edit_context(request, application, form, user=user),
        status=409 if result.conflicts else 200,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@require_POST
def autosave(request, reference):
    """Save the fields a page sends as JSON; 409 with the conflicting fields.

    Body: ``{"version": 7, "fields": {"title": "..."}, "draft_token": "..."}``.
    Without a session, a valid draft token (24 h, bound to the user and the
    application) lets the save through and the answer says to log in again.
    """
    try:
        payload = json.loads(request.body or b"{}")
        fields = payload.get("fields") or {}
        if not isinstance(fields, dict):
            raise ValueError
    except (ValueError, AttributeError):
        return JsonResponse({"error": _("Malformed request.")}, status=400)
    application = get_object_or_404(
        Application.objects.select_related("call__charter"), reference=reference
    )
    session_expired = False
    if request.user.is_authenticated:
        user = request.user
    else:
        user = user_from_draft_token(payload.get("draft_token"), application)
        if user is None:
            return JsonResponse(
                {
                    "error": _("Your session has expired: log in again."),
                    "login": True,
                },
                status=401,
            )
        session_expired = True
    if not can_view_application(user, application):
        raise Http404
    if not can_edit_application(user, application):
        return JsonResponse(
            {"error": _("You may not change this application.")}, status=403
        )
    form = ApplicationForm(application)
    values, errors = form.clean_draft(fields)
    try:
        result = save_draft(
            application,
            actor=user,
            values=values,
            base_version=_int(payload.get("version")),
        )
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0], "closed": True}, status=403)
    saved_at = _paris(result.saved_at)
    body = {
        "version": result.version,
        "saved": result.saved,
        "saved_at": saved_at.isoformat(),
        "saved_at_display": formats.time_format(saved_at, "H:i"),
        "errors": errors,
        "conflicts": {
            name: {"theirs": value, "message": _conflict_message(value)}
            for name, value in result.conflicts.items()
        },
        "session_expired": session_expired,
    }
    return JsonResponse(body, status=409 if result.conflicts else 200)


# --- The application page, timeline, withdrawal ----------------------------

EVENT_LABELS = {
    "application.created": gettext_lazy("Application created"),
    "application.submitted": gettext_lazy("Submitted"),
    "application.resubmitted": gettext_lazy("Submitted again"),
    "application.withdrawn": gettext_lazy("Withdrawn"),
    "application.admissible": gettext_lazy("Declared admissible"),
    "application.inadmissible": gettext_lazy("Declared inadmissible"),
    "application.under_review": gettext_lazy("Under review by the jury"),
    "application.retained": gettext_lazy("Retained"),
    "application.waiting_list": gettext_lazy("On the waiting list"),
    "application.not_retained": gettext_lazy("Not retained"),
    "application.member_invited": gettext_lazy("Co-applicant invited"),
    "application.member_joined": gettext_lazy("Co-applicant joined the team"),
    "application.member_removed": gettext_lazy("Co-applicant removed"),
    "application.invitation_revoked": gettext_lazy("Invitation revoked"),
    "application.attachment_added": gettext_lazy("Attachment added"),
    "application.attachment_removed": gettext_lazy("Attachment removed"),
}


def next_step(application, now):
    """One sentence telling the team what comes next."""
    call = application.call
    deadline = formats.date_format(_paris(call.closes_at), "DATETIME_FORMAT")
    state = application.state
    S = ApplicationState
    if state == S.DRAFT:
        if now < call.closes_at:
            return _("Complete it and submit it before %(deadline)s.") % {
                "deadline": deadline
            }
        return _("The call closed before this draft was submitted.")
    if state == S.SUBMITTED:
        if now < call.closes_at:
            return _(
                "Submitted. You may still change it and submit again until "
                "%(deadline)s."
            ) % {"deadline": deadline}
        return _("Submitted. The organisers are checking its admissibility.")
    if state == S.ADMISSIBLE:
        return _("Admissible. The jury will examine it.")
    if state == S.INADMISSIBLE:
        return _("Inadmissible. The reason is on the application's page.")
    if state == S.UNDER_REVIEW:
        if call.results_on:
            return _("The jury is examining it. Results on %(date)s.") % {
                "date": formats.date_format(call.results_on, "DATE_FORMAT")
            }
        return _("The jury is examining it.")
    if state == S.RETAINED:
        return _("Retained: the organisers will invite you to the workshops.")
    if state == S.WAITING_LIST:
        return _("On the waiting list: the organisers will write to you.")
    if state == S.NOT_RETAINED:
        return _("Not retained. The jury's feedback is on the application's page.")
    return _("Withdrawn.")


@login_required
@require_GET
def application_detail(request, reference):
    application = _application_or_404(request, reference)
    user = request.user
    now = timezone.now()
    events = list(application_timeline(application))
    for event in events:
        event.label = EVENT_LABELS.get(event.verb, event.verb)
    submissions = list(application.submissions.order_by("-number"))
    editable = (
        can_edit_application(user, application)
        and now < application.call.closes_at
    )
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "events": events,
            "submissions": submissions,
            "team": application.team.select_related("user").order_by(
                "-role", "joined_at"
            ),
            "attachments": application.attachments.order_by("uploaded_at"),
            "requested": application.requested_datasets.select_related("dataset"),
            "editable": editable,
            "is_member": is_team_member(user, application),
            "can_withdraw": can_withdraw_application(user, application)
            and ApplicationState.WITHDRAWN
            in _transitions(application.state),
            "next_step": next_step(application, now),
            "closes_at": _paris(application.call.closes_at),
        },
    )


def _transitions(state):
    from .enums import APPLICATION_TRANSITIONS

    return APPLICATION_TRANSITIONS[ApplicationState(state)]


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, reference):
    application = _application_or_404(request, reference)
    if not can_withdraw_application(request.user, application):
        raise PermissionDenied
    if request.method == "POST":
        try:
            withdraw_application(application, actor=request.user)
        except ApplicationStateError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The application is withdrawn."))
        return redirect(
            "applications:application_detail", reference=application.reference
        )
    return render(
        request, "applications/withdraw_confirm.html", {"application": application}
    )


# --- Submission -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, reference):
    application = _application_or_404(request, reference)
    _editable_or_403(request.user, application)
    problems = []
    deadline_error = ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                submission = submit_application(application, actor=request.user)
        except IncompleteApplicationError as exc:
            problems = exc.missing
        except (DeadlinePassedError, ApplicationStateError) as exc:
            deadline_error = exc.messages[0]
        else:
            messages.success(
                request,
                _(
                    "Application submitted (no. %(number)s). A receipt is on its "
                    "way by email."
                )
                % {"number": submission.number},
            )
            return redirect(
                "applications:application_detail", reference=application.reference
            )
    else:
        problems = completeness_problems(application)
        if timezone.now() >= application.call.closes_at:
            deadline_error = deadline_passed_error(application.call).messages[0]
    edit_url = reverse(
        "applications:application_edit", kwargs={"reference": application.reference}
    )
    return render(
        request,
        "applications/submit.html",
        {
            "application": application,
            "call": application.call,
            "problems": [
                {"name": name, "message": message, "url": f"{edit_url}#id_{name}"}
                for name, message in problems
            ],
            "deadline_error": deadline_error,
            "closes_at": _paris(application.call.closes_at),
        },
        status=200 if not (deadline_error and request.method == "POST") else 409,
    )


@login_required
@require_GET
def receipt(request, reference, number):
    application = _application_or_404(request, reference)
    submission = get_object_or_404(application.submissions, number=number)
    pdf = render_application_pdf(application, submission=submission)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{application.reference}-{submission.number}.pdf"'
    )
    return response


# --- Team -----------------------------------------------------------------------


@verified_email_required
@require_http_methods(["GET", "POST"])
def team(request, reference):
    application = _application_or_404(request, reference)
    if not is_team_member(request.user, application):
        raise PermissionDenied
    is_lead = can_manage_team(request.user, application)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_lead:
            raise PermissionDenied
        if form.is_valid():
            try:
                invite_member(
                    application, actor=request.user, email=form.cleaned_data["email"]
                )
            except ValidationError as exc:
                form.add_error("email", exc.messages[0])
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("applications:team", reference=reference)
    return render(
        request,
        "applications/team.html",
        {
            "application": application,
            "members": application.team.select_related("user").order_by(
                "-role", "joined_at"
            ),
            "invitations": application.invitations.filter(
                accepted_at=None, revoked_at=None
            ),
            "form": form,
            "is_lead": is_lead,
        },
    )


@verified_email_required
@require_POST
def team_remove(request, reference, member_id):
    application = _application_or_404(request, reference)
    if not can_manage_team(request.user, application):
        raise PermissionDenied
    member = get_object_or_404(TeamMember, pk=member_id, application=application)
    try:
        remove_member(member, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The co-applicant was removed from the team."))
    return redirect("applications:team", reference=reference)


@verified_email_required
@require_POST
def invitation_revoke(request, reference, invitation_id):
    application = _application_or_404(request, reference)
    if not can_manage_team(request.user, application):
        raise PermissionDenied
    invitation = get_object_or_404(
        TeamInvitation, pk=invitation_id, application=application
    )
    revoke_invitation(invitation, actor=request.user)
    messages.success(request, _("The invitation was revoked."))
    return redirect("applications:team", reference=reference)


@verified_email_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = get_object_or_404(
        TeamInvitation.objects.select_related("application__call", "invited_by"),
        token=token,
        accepted_at=None,
        revoked_at=None,
    )
    error = ""
    if request.method == "POST":
        try:
            accept_invitation(invitation, user=request.user)
        except TeamError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                _("You joined the team of %(reference)s.")
                % {"reference": invitation.application.reference},
            )
            return redirect(
                "applications:application_edit",
                reference=invitation.application.reference,
            )
    return render(
        request,
        "applications/invitation_accept.html",
        {"invitation": invitation, "error": error},
    )


# --- Attachments ---------------------------------------------------------------


@verified_email_required
@require_POST
def attachment_upload(request, reference):
    application = _application_or_404(request, reference)
    _editable_or_403(request.user, application)
    form = AttachmentForm(request.POST, request.FILES)
    edit_url = (
        reverse("applications:application_edit", kwargs={"reference": reference})
        + "#attachments"
    )
    if not form.is_valid():
        messages.error(request, _("Choose a PDF file to attach."))
        return HttpResponseRedirect(edit_url)
    question = None
    if form.cleaned_data.get("question"):
        question = get_object_or_404(
            application.call.extra_questions,
            pk=form.cleaned_data["question"],
            kind=QuestionKind.FILE,
        )
    try:
        attachment = add_attachment(
            application,
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            is_pitch_deck=question is None
            and form.cleaned_data["kind"] == "pitch_deck",
            question=question,
        )
    except ValidationError as exc:
        messages.error(
            request,
            _("“%(name)s” was refused: %(reason)s")
            % {"name": form.cleaned_data["file"].name, "reason": exc.messages[0]},
        )
        return HttpResponseRedirect(edit_url)
    messages.success(
        request, _("“%(name)s” is attached.") % {"name": attachment.original_name}
    )
    return HttpResponseRedirect(edit_url)


@login_required
@require_GET
def attachment_download(request, reference, attachment_id):
    application = _application_or_404(request, reference)
    attachment = get_object_or_404(
        Attachment, pk=attachment_id, application=application
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@verified_email_required
@require_POST
def attachment_delete(request, reference, attachment_id):
    application = _application_or_404(request, reference)
    _editable_or_403(request.user, application)
    attachment = get_object_or_404(
        Attachment, pk=attachment_id, application=application
    )
    try:
        remove_attachment(attachment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("“%(name)s” was removed.") % {"name": attachment.original_name},
        )
    return HttpResponseRedirect(
        reverse("applications:application_edit", kwargs={"reference": reference})
        + "#attachments"
    )


# --- Dashboard -------------------------------------------------------------------


@login_required
@require_GET
def my_applications(request):
    now = timezone.now()
    applications = list(applications_for_applicant(request.user))
    for application in applications:
        application.next_step = next_step(application, now)
        application.deadline = _paris(application.call.closes_at)
        application.is_open = application.call.is_open_at(now)
        application.editable = (
            application.state in (ApplicationState.DRAFT, ApplicationState.SUBMITTED)
            and application.is_open
        )
    return render(
        request,
        "applications/my_applications.html",
        {"applications": applications, "now": now},
    )
