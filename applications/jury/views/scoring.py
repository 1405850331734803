"""Jury pages: scoring (the grid, the juror's queue, the scoring page)."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.permissions import organiser_required

from ...fields import content_sections
from ...models import Call
from ...validators import safe_pdf_name
from ..forms.scoring import CriterionFormSet, initial_for
from ..permissions import can_score
from ..selectors import scoring as selectors
from ..services import blind
from ..services.grid import GridError, current_grid, save_grid
from ..services.scoring import (
    ScoringError,
    StaleSheetError,
    record_scores,
    sheet_weighted_score,
)
from .membership import juror_membership

NOT_APPLICABLE = "na"


# --- The grid (organisers) ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@organiser_required
def grid_edit(request, slug):
    call = get_object_or_404(Call, slug=slug)
    grid = current_grid(call)
    has_sheets = grid is not None and grid.sheets.exists()
    read_only = grid is not None and grid.is_locked and has_sheets
    if request.method == "POST":
        if read_only:
            raise PermissionDenied
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if formset.is_valid():
            try:
                grid = save_grid(call, criteria=formset.criteria(), actor=request.user)
            except GridError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(
                    request,
                    _("The grid is saved (version %(version)s).")
                    % {"version": grid.version},
                )
                return redirect("jury_bo:grid", slug=call.slug)
    else:
        formset = CriterionFormSet(
            prefix="criteria", initial=initial_for(grid) if grid else []
        )
    return render(
        request,
        "jury/scoring_grid.html",
        {
            "call": call,
            "grid": grid,
            "criteria": list(grid.criteria.all()) if grid else [],
            "formset": formset,
            "read_only": read_only,
            "supersedes": grid is not None and grid.is_locked and not has_sheets,
        },
        status=200 if request.method == "GET" or formset.is_valid() else 400,
    )


# --- The juror's side -----------------------------------------------------------


def _membership(request, slug):
    """The user's declared seat on the jury of the call ``slug``; 404 for
    anyone else; a seat not declared yet is sent to its declaration."""
    membership = juror_membership(request, slug)
    if not membership.has_declared:
        return membership, redirect("jury:declaration", slug=membership.call.slug)
    return membership, None


def _masked_strings(application):
    """The applicants' identifying strings, read from the live application
    (its team prefetched), for a blind queue."""
    content = {
        "organisation": {
            "name": application.organisation_name,
            "siret": application.siret,
            "website": application.website,
        },
        "team": [
            {"name": member.user.full_name, "email": member.user.email}
            for member in application.team.all()
        ],
    }
    return blind.identifying_strings(content)


@require_GET
def queue(request, slug):
    membership, redirection = _membership(request, slug)
    if redirection:
        return redirection
    call = membership.call
    rows, done, total = selectors.queue_for_juror(
        membership, with_team=call.blind_review
    )
    for row in rows:
        application = row["assignment"].application
        row["title"] = application.title
        if call.blind_review:
            row["title"] = blind.mask_text(
                application.title, _masked_strings(application)
            )
    return render(
        request,
        "jury/scoring_queue.html",
        {
            "call": call,
            "rows": rows,
            "done": done,
            "total": total,
            "review_open": call.phase == "review",
            "next": selectors.next_assignment(membership) if total else None,
        },
    )


def _assignment(request, slug, reference):
    membership, redirection = _membership(request, slug)
    if redirection:
        return None, redirection
    assignment = selectors.assignment_for_juror(membership, reference)
    if assignment is None:
        raise Http404
    return assignment, None


def _posted_scores(data, criteria):
    scores = {}
    for criterion in criteria:
        raw = data.get(f"c-{criterion.key}", "")
        entry = {"comment": data.get(f"c-{criterion.key}-comment", "")}
        if raw == NOT_APPLICABLE:
            entry.update(value=None, not_applicable=True)
        else:
            entry.update(value=raw or None, not_applicable=False)
        scores[criterion.key] = entry
    return scores


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _sheet_context(request, assignment, *, errors=None, posted=None, status=200):
    application = assignment.application
    call = application.call
    sheet = selectors.sheet_of(assignment)
    grid = sheet.grid if sheet is not None else current_grid(call)
    criteria = list(grid.criteria.all()) if grid is not None else []
    scores = selectors.sheet_scores(sheet)
    errors = errors or {}
    rows = []
    for criterion in criteria:
        score = scores.get(criterion.key)
        if posted is not None:
            chosen = posted.get(f"c-{criterion.key}", "")
            comment = posted.get(f"c-{criterion.key}-comment", "")
        elif score is not None:
            chosen = (
                NOT_APPLICABLE
                if score.not_applicable
                else ("" if score.value is None else str(score.value))
            )
            comment = score.comment
        else:
            chosen, comment = "", ""
        labels = {
            level.get("value"): level
            for level in criterion.levels
            if isinstance(level, dict)
        }
        language = (request.LANGUAGE_CODE or "fr")[:2]
        choices = []
        for value in range(criterion.scale_max + 1):
            level = labels.get(value) or {}
            label = level.get(f"label_{language}") or level.get("label_fr") or ""
            choices.append({"value": str(value), "label": label})
        rows.append(
            {
                "criterion": criterion,
                "choices": choices,
                "chosen": chosen,
                "comment": comment,
                "errors": errors.get(criterion.key, []),
            }
        )
    submission = selectors.deposited_submission(application)
    content = submission.content if submission is not None else None
    questions = {q.pk: q for q in call.extra_questions.all()}
    sections = [
        # The attachments are listed below as downloads.
        section
        for section in blind.blind_content(
            content_sections(content, questions=questions), call, content=content
        )
        if section["key"] != "attachments"
    ]
    attachments = selectors.deposited_attachments(application, submission)
    files = []
    for number, attachment in enumerate(attachments, start=1):
        files.append(
            {
                "number": number,
                "name": (
                    blind.blind_filename(application.reference, number)
                    if call.blind_review
                    else attachment.original_name
                ),
                "size": attachment.size,
                "pitch_deck": attachment.is_pitch_deck,
            }
        )
    title = application.title
    if isinstance(content, dict) and isinstance(content.get("project"), dict):
        title = content["project"].get("title") or title
    editable = can_score(request.user, application)
    done, total = selectors.queue_progress(assignment.membership)
    autosave_config = {
        "url": reverse(
            "jury:score_autosave",
            kwargs={"slug": call.slug, "reference": application.reference},
        ),
        "messages": {
            "saving": _("Saving…"),
            "saved": _("Draft saved at %(time)s"),
            "offline": _("Not saved: no connection. Your choices stay on this page."),
            "stale": _(
                "This sheet was changed elsewhere (another tab or device): "
                "reload the page to see that version."
            ),
            "error": _("Not saved: %(error)s"),
        },
    }
    return render(
        request,
        "jury/scoring_sheet.html",
        {
            "call": call,
            "application": application,
            "title": blind.blind_title(title, call, content=content),
            "sheet": sheet,
            "grid": grid,
            "rows": rows,
            "overall_comment": (
                posted.get("overall_comment", "")
                if posted is not None
                else (sheet.overall_comment if sheet else "")
            ),
            "version": sheet.version if sheet else 0,
            "sections": sections,
            "files": files,
            "editable": editable,
            "done": done,
            "total": total,
            "weighted": sheet_weighted_score(sheet) if sheet else None,
            "form_errors": errors.get("__all__", []),
            "autosave_config": autosave_config,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def score(request, slug, reference):
    assignment, redirection = _assignment(request, slug, reference)
    if redirection:
        return redirection
    if request.method == "GET":
        return _sheet_context(request, assignment)
    application = assignment.application
    if not can_score(request.user, application):
        raise PermissionDenied
    grid = selectors.grid_for(assignment)
    criteria = list(grid.criteria.all()) if grid is not None else []
    submit = request.POST.get("action") == "submit"
    try:
        result = record_scores(
            assignment,
            juror=request.user,
            scores=_posted_scores(request.POST, criteria),
            overall_comment=request.POST.get("overall_comment", ""),
            submit=submit,
            base_version=_int(request.POST.get("version")),
        )
    except StaleSheetError as exc:
        return _sheet_context(
            request,
            assignment,
            errors={"__all__": exc.messages},
            posted=request.POST,
            status=409,
        )
    except ScoringError as exc:
        errors = (
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {"__all__": exc.messages}
        )
        if submit and hasattr(exc, "error_dict"):
            errors["__all__"] = [
                _("The sheet is not submitted: see the criteria marked below.")
            ]
        return _sheet_context(
            request, assignment, errors=errors, posted=request.POST, status=400
        )
    call = application.call
    if submit:
        messages.success(
            request,
            _("Your scores for %(reference)s are submitted.")
            % {"reference": application.reference},
        )
        following = selectors.next_assignment(assignment.membership, after=assignment)
        if following is not None:
            return redirect(
                "jury:score",
                slug=call.slug,
                reference=following.application.reference,
            )
        return redirect("jury:queue", slug=call.slug)
    messages.success(
        request,
        _("Saved at %(time)s.")
        % {
            "time": formats.time_format(
                timezone.localtime(result.sheet.updated_at), "H:i"
            )
        },
    )
    return redirect("jury:score", slug=call.slug, reference=application.reference)


@require_POST
def score_autosave(request, slug, reference):
    """Save the draft the page sends as JSON; 409 when the sheet is stale.

    Body: ``{"version": 3, "overall_comment": "...", "scores": {"key":
    {"value": 4, "not_applicable": false, "comment": "..."}}}``.
    """
    try:
        payload = json.loads(request.body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
        scores = payload.get("scores") or {}
        overall_comment = payload.get("overall_comment") or ""
        version = payload.get("version")
        if (
            not isinstance(scores, dict)
            or not isinstance(overall_comment, str)
            or (version is not None and type(version) is not int)
        ):
            raise ValueError
    except (ValueError, UnicodeDecodeError, RecursionError):
        return JsonResponse({"error": _("Malformed request.")}, status=400)
    assignment, redirection = _assignment(request, slug, reference)
    if redirection:
        return JsonResponse({"error": _("Declare your interests first.")}, status=403)
    if not can_score(request.user, assignment.application):
        return JsonResponse(
            {"error": _("The review is closed: scores can no longer change.")},
            status=403,
        )
    try:
        result = record_scores(
            assignment,
            juror=request.user,
            scores=scores,
            overall_comment=overall_comment,
            base_version=version,
        )
    except StaleSheetError as exc:
        return JsonResponse(
            {"error": exc.messages[0], "version": exc.version}, status=409
        )
    except ScoringError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        return JsonResponse({"error": exc.messages[0], "errors": errors}, status=400)
    saved_at = timezone.localtime(result.sheet.updated_at)
    return JsonResponse(
        {
            "version": result.sheet.version,
            "saved_at_display": formats.time_format(saved_at, "H:i"),
            "submitted": result.sheet.is_submitted,
        }
    )


@require_GET
def score_attachment(request, slug, reference, number):
    assignment, redirection = _assignment(request, slug, reference)
    if redirection:
        return redirection
    application = assignment.application
    submission = selectors.deposited_submission(application)
    attachments = selectors.deposited_attachments(application, submission)
    if not 1 <= number <= len(attachments):
        raise Http404
    attachment = attachments[number - 1]
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        # The row outlived its file (a restore, a storage fault): not a 500.
        raise Http404 from None
    if application.call.blind_review:
        with handle:
            data = blind.strip_pdf_metadata(handle.read())
        response = HttpResponse(data, content_type="application/pdf")
        name = blind.blind_filename(application.reference, number)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=safe_pdf_name(attachment.original_name),
            content_type="application/pdf",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = [
    path("<slug:slug>/", queue, name="queue"),
    path("<slug:slug>/<str:reference>/", score, name="score"),
    path(
        "<slug:slug>/<str:reference>/brouillon/",
        score_autosave,
        name="score_autosave",
    ),
    path(
        "<slug:slug>/<str:reference>/pieces/<int:number>/",
        score_attachment,
        name="score_attachment",
    ),
]
backoffice_urls = [
    path("<slug:slug>/grille/", grid_edit, name="grid"),
]
