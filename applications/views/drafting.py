"""The application form: plain POST and the autosave endpoint."""

import json

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.permissions import has_verified_email

from .. import fields as registry
from ..enums import QuestionKind
from ..forms import ApplicationForm, AttachmentForm
from ..models import Application
from ..permissions import (
    can_edit_application,
    can_manage_team,
    can_view_application,
    is_team_member,
)
from ..services.drafts import check_editable, save_draft
from .common import (
    _application_or_404,
    _dataset_url,
    _editable_or_403,
    _int,
    _paris,
    make_draft_token,
    user_from_draft_token,
)

# --- The application form -----------------------------------------------------


def _conflict_message(name, value):
    if isinstance(value, bool):
        shown = _("ticked") if value else _("not ticked")
    else:
        # Words, not codes: "Mobilité, Énergie", "Horaire".
        shown = registry.readable_input(name, value)
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
        question for question in form.questions if question.kind == QuestionKind.FILE
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
        "used_bytes": used,
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
                # The page picks the form by the count (French: 1 is singular).
                "conflict_one": _autosave_conflict_text(1),
                "conflict": _autosave_conflict_text(2),
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
    application.refresh_from_db()
    data = ApplicationForm(application, data=request.POST).refreshed_data(
        keep=set(form.changed_data)
    )
    data["version"] = str(result.version)
    data["draft_token"] = token
    form = ApplicationForm(application, data=data)
    form.full_clean()
    for name, message in errors.items():
        if name not in form.errors:
            form.add_error(name, message)
    for name, theirs in result.conflicts.items():
        form.add_error(name, _conflict_message(name, theirs))
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
    except (ValueError, AttributeError, RecursionError):
        return JsonResponse({"error": _("Malformed request.")}, status=400)
    application = (
        Application.objects.select_related("call__charter")
        .filter(reference=reference)
        .first()
    )
    session_expired = False
    if request.user.is_authenticated:
        if application is None:
            raise Http404
        user = request.user
    else:
        # Without a session, an unknown reference answers like a known one
        # (401): the answer must not tell which references exist.
        user = application and user_from_draft_token(
            payload.get("draft_token"), application
        )
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
            name: {"theirs": value, "message": _conflict_message(name, value)}
            for name, value in result.conflicts.items()
        },
        "session_expired": session_expired,
    }
    return JsonResponse(body, status=409 if result.conflicts else 200)


def _autosave_conflict_text(count):
    return ngettext(
        "Someone in your team changed %(count)s field at the same time. Your "
        "text is kept; see the field marked below.",
        "Someone in your team changed %(count)s fields at the same time. Your "
        "text is kept; see the fields marked below.",
        count,
    )
