"""Emails to teams: state emails, organisers' template emails, the templates."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditEvent
from portal.audit.services import record_event

from ..enums import ApplicationState, EmailStatus
from ..models import EmailTemplate, SentEmail

# --- Emails to teams ------------------------------------------------------------


class _Placeholders(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _team_users(application):
    return [
        member.user
        for member in application.team.select_related("user").order_by(
            "role", "joined_at"
        )
        if member.user.is_active
    ]


def _placeholders(application, *, name=""):
    link = settings.SITE_URL + reverse("accounts:dashboard")
    return _Placeholders(
        reference=application.reference,
        title=application.title,
        call=application.call.title,
        organisation=application.organisation_name,
        name=name,
        link=link,
    )


def _format(text, values):
    try:
        return text.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return text


def render_team_email(sent_email, *, language, name=""):
    """Return ``(subject, body)`` of a recorded email in ``language``.

    A template email fills the template's placeholders; an ``inadmissible`` or
    ``decision`` email says the state with the reason or feedback. The body is
    wrapped by ``templates/email/team_message.txt``.
    """
    application = sent_email.application
    with translation.override(language):
        values = _placeholders(application, name=name)
        if sent_email.template_id:
            template = sent_email.template
            subject = getattr(template, f"subject_{language}", "") or (
                template.subject_fr
            )
            message = getattr(template, f"body_{language}", "") or template.body_fr
            subject, message = _format(subject, values), _format(message, values)
        elif sent_email.kind == "inadmissible":
            subject = _("Your application %(reference)s is not admissible") % {
                "reference": application.reference
            }
            message = _(
                "After checking the admissibility criteria of the call, your "
                "application “%(title)s” cannot be examined by the jury, for "
                "this reason:\n\n%(reason)s"
            ) % {
                "title": application.title,
                "reason": application.inadmissibility_reason,
            }
        elif sent_email.kind == "decision":
            subject = _("Decision on your application %(reference)s: %(decision)s") % {
                "reference": application.reference,
                "decision": ApplicationState(application.state).label,
            }
            message = _(
                "The jury has examined your application “%(title)s”.\n\n"
                "Decision: %(decision)s\n\nFeedback:\n%(feedback)s"
            ) % {
                "title": application.title,
                "decision": ApplicationState(application.state).label,
                "feedback": application.decision_feedback,
            }
        else:
            subject, message = sent_email.subject, sent_email.body
        body = render_to_string(
            "email/team_message.txt",
            {
                "name": name,
                "message": message,
                "application": application,
                "call_title": application.call.title,
                "link": values["link"],
            },
        )
    return str(subject).replace("\n", " ").strip(), body


def _record_email(application, *, kind, template=None, actor):
    users = _team_users(application)
    sent_email = SentEmail(
        application=application,
        template=template,
        kind=kind,
        to=[user.email for user in users],
        sent_by=actor if actor is not None and actor.is_authenticated else None,
    )
    lead = users[0] if users else None
    language = lead.language if lead else "fr"
    sent_email.subject, sent_email.body = render_team_email(
        sent_email, language=language, name=lead.display_name if lead else ""
    )
    sent_email.save()
    return sent_email


def _queue_send(sent_email_ids):
    from ..backoffice_tasks import send_team_email_task

    for sent_email_id in sent_email_ids:
        send_team_email_task.delay(sent_email_id=sent_email_id)


def queue_state_email(application, *, kind, actor):
    """Record an email about the application's new state and queue its sending."""
    sent_email = _record_email(application, kind=kind, actor=actor)
    transaction.on_commit(lambda: _queue_send([sent_email.pk]))
    return sent_email


def queue_team_emails(applications, template, *, actor, batch=""):
    """Record one email per application from ``template`` and queue them.

    Each is sent by Celery in every team member's language. Records the audit
    event ``team_email.queued`` on the template. ``batch`` (the sending form's
    token) makes a double click or a retry queue nothing more. Returns the new
    ``SentEmail`` rows.
    """
    with transaction.atomic():
        if batch:
            # Serialise the sendings of one template so a retry sees the first.
            EmailTemplate.objects.select_for_update().filter(pk=template.pk).first()
            if AuditEvent.objects.filter(
                verb="team_email.queued", data__batch=batch
            ).exists():
                return []
        sent_emails = [
            _record_email(
                application, kind="team_message", template=template, actor=actor
            )
            for application in applications
        ]
        record_event(
            "team_email.queued",
            actor=actor,
            target=template,
            data={
                "batch": batch,
                "count": len(sent_emails),
                "applications": [e.application.reference for e in sent_emails],
            },
        )
        ids = [e.pk for e in sent_emails]
        transaction.on_commit(lambda: _queue_send(ids))
    return sent_emails


def send_team_email(sent_email):
    """Send a recorded email to each team member in their language.

    Safe to run twice: an email already sent is not sent again, and a retry
    after a failure only writes to the members not reached yet (``to`` lists
    the addresses reached so far). Marks the row ``sent`` with the time, or
    ``failed`` with the error (the Celery task retries it).
    """
    if sent_email.status == EmailStatus.SENT:
        return sent_email
    users = _team_users(sent_email.application)
    reached = (
        list(sent_email.to or []) if sent_email.status == EmailStatus.FAILED else []
    )
    try:
        for user in users:
            if user.email in reached:
                continue
            subject, body = render_team_email(
                sent_email, language=user.language, name=user.display_name
            )
            EmailMessage(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body=body,
                to=[user.email],
            ).send()
            reached.append(user.email)
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded.
        sent_email.status = EmailStatus.FAILED
        sent_email.error = str(exc)[:2000]
        sent_email.to = reached
        sent_email.save(update_fields=["status", "error", "to"])
        return sent_email
    sent_email.status = EmailStatus.SENT
    sent_email.sent_at = timezone.now()
    sent_email.to = [user.email for user in users]
    sent_email.error = ""
    sent_email.save(update_fields=["status", "sent_at", "to", "error"])
    return sent_email


def save_email_template(template, *, fields, actor):
    """Create (``template=None``) or update an email template; audited."""
    with transaction.atomic():
        created = template is None
        if created:
            template = EmailTemplate.objects.create(**fields)
        else:
            for name, value in fields.items():
                setattr(template, name, value)
            template.save(update_fields=list(fields))
        record_event(
            "email_template.created" if created else "email_template.updated",
            actor=actor,
            target=template,
            after={"slug": template.slug, "name": template.name},
        )
    return template
