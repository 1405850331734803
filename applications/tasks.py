"""Celery tasks of the applicant side: thin, take ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .enums import EmailStatus
from .models import SentEmail, Submission, TeamInvitation


def _language(user):
    return (getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]


def _render(prefix, context):
    subject = render_to_string(f"email/{prefix}_subject.txt", context)
    body = render_to_string(f"email/{prefix}_body.txt", context)
    return " ".join(subject.split()), body


@shared_task(name="applications.send_submission_receipt")
def send_submission_receipt_task(*, submission_id):
    """Email the team the receipt of a submission, with its PDF, once.

    Returns quietly when the submission is gone or its receipt was sent.
    """
    from .pdf import render_application_pdf

    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .filter(pk=submission_id, receipt_sent_at=None)
            .first()
        )
        if submission is None:
            return False
        application = submission.application
        team = list(application.team.select_related("user"))
        recipients = [member.user.email for member in team if member.user.is_active]
        submitter = submission.submitted_by or (team[0].user if team else None)
        with translation.override(_language(submitter)):
            context = {
                "application": application,
                "call": application.call,
                "submission": submission,
                "submitted_at": timezone.localtime(submission.submitted_at),
                "url": settings.SITE_URL
                + reverse(
                    "applications:application_detail",
                    kwargs={"reference": application.reference},
                ),
            }
            subject, body = _render("application_receipt", context)
            pdf = render_application_pdf(application, submission=submission)
        message = EmailMessage(subject, body, to=recipients)
        message.attach(
            f"{application.reference}-{submission.number}.pdf", pdf, "application/pdf"
        )
        message.send()
        now = timezone.now()
        SentEmail.objects.create(
            application=application,
            kind="submission_receipt",
            to=recipients,
            subject=subject,
            body=body,
            status=EmailStatus.SENT,
            sent_by=submission.submitted_by,
            sent_at=now,
        )
        submission.receipt_sent_at = now
        submission.save(update_fields=["receipt_sent_at"])
    return True


@shared_task(name="applications.send_team_invitation")
def send_team_invitation_task(*, invitation_id):
    """Email an invitation to join a team, once (unless it was revoked)."""
    invitation = (
        TeamInvitation.objects.select_related("application__call", "invited_by")
        .filter(pk=invitation_id, accepted_at=None, revoked_at=None)
        .first()
    )
    if invitation is None:
        return False
    application = invitation.application
    already = SentEmail.objects.filter(
        application=application,
        kind="team_invitation",
        body__contains=str(invitation.token),
    )
    if already.exists():
        return False
    with translation.override(_language(invitation.invited_by)):
        context = {
            "application": application,
            "call": application.call,
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "url": settings.SITE_URL
            + reverse(
                "applications:accept_invitation", kwargs={"token": invitation.token}
            ),
        }
        subject, body = _render("application_invitation", context)
    EmailMessage(subject, body, to=[invitation.email]).send()
    SentEmail.objects.create(
        application=application,
        kind="team_invitation",
        to=[invitation.email],
        subject=subject,
        body=body,
        status=EmailStatus.SENT,
        sent_by=invitation.invited_by,
        sent_at=timezone.now(),
    )
    return True
