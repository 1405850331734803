"""The team's pages: application, timeline, submission, team, attachments."""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit.sentences import event_sentence

from ..enums import APPLICATION_TRANSITIONS, ApplicationState, QuestionKind
from ..forms import AttachmentForm, InvitationForm
from ..models import Attachment, TeamInvitation, TeamMember
from ..permissions import (
    can_edit_application,
    can_manage_team,
    can_withdraw_application,
    is_team_member,
)
from ..selectors import application_timeline, applications_for_applicant
from ..services.attachments import add_attachment, remove_attachment
from ..services.base import (
    ApplicationStateError,
    DeadlinePassedError,
    IncompleteApplicationError,
    TeamError,
)
from ..services.drafts import deadline_passed_error
from ..services.pdfs import submission_pdf
from ..services.submission import (
    completeness_problems,
    submit_application,
    withdraw_application,
)
from ..services.team import (
    accept_invitation,
    invite_member,
    remove_member,
    revoke_invitation,
)
from ..validators import safe_pdf_name
from .common import (
    _application_or_404,
    _editable_or_403,
    _paris,
)

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
        return _(
            "Not retained. The feedback on the decision is on the application's page."
        )
    return _("Withdrawn.")


@login_required
@require_GET
def application_detail(request, reference):
    application = _application_or_404(request, reference)
    user = request.user
    now = timezone.now()
    events = list(application_timeline(application))
    for event in events:
        event.label = EVENT_LABELS.get(event.verb) or event_sentence(event)
    submissions = list(application.submissions.order_by("-number"))
    editable = (
        can_edit_application(user, application) and now < application.call.closes_at
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
            and ApplicationState.WITHDRAWN in _transitions(application.state),
            "next_step": next_step(application, now),
            "closes_at": _paris(application.call.closes_at),
        },
    )


def _transitions(state):
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
        last_number = (
            application.submissions.order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        try:
            with transaction.atomic():
                submission = submit_application(application, actor=request.user)
        except IncompleteApplicationError as exc:
            problems = exc.missing
        except (DeadlinePassedError, ApplicationStateError) as exc:
            deadline_error = exc.messages[0]
        else:
            if submission.number == last_number:
                # Nothing changed since the last submission: no new receipt.
                message = _(
                    "Nothing changed since submission no. %(number)s: it stays "
                    "the one the jury reads, and no new receipt is sent."
                )
            else:
                message = _(
                    "Application submitted (no. %(number)s). A receipt is on its "
                    "way by email."
                )
            messages.success(request, message % {"number": submission.number})
            return redirect(
                "applications:application_detail", reference=application.reference
            )
    elif timezone.now() >= application.call.closes_at:
        # Past the deadline nothing can be completed: say so, list nothing.
        deadline_error = deadline_passed_error(application.call).messages[0]
    else:
        problems = completeness_problems(application)
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
    # In the programme's language, the stored PDF; else rendered in the reader's.
    pdf = submission_pdf(submission, language=translation.get_language())
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
        messages.error(
            request, _("Choose a PDF file to attach."), extra_tags="attachments"
        )
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
            % {
                "name": safe_pdf_name(form.cleaned_data["file"].name),
                "reason": exc.messages[0],
            },
            extra_tags="attachments",
        )
        return HttpResponseRedirect(edit_url)
    messages.success(
        request,
        _("“%(name)s” is attached.") % {"name": attachment.original_name},
        extra_tags="attachments",
    )
    return HttpResponseRedirect(edit_url)


@login_required
@require_GET
def attachment_download(request, reference, attachment_id):
    application = _application_or_404(request, reference)
    attachment = get_object_or_404(
        Attachment, pk=attachment_id, application=application
    )
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        # The row outlived its file (a restore, a storage fault): not a 500.
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
