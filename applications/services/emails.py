"""Emails to teams, all through the outbox (``portal.outbox``).

A message is recorded once as a ``SentEmail`` (the application's history,
shown to organisers) and queued in the outbox as one email per recipient, in
that person's language, in the same transaction: a rollback sends nothing, and
the outbox's idempotency keys mean nothing is sent twice. Receipts, team
invitations, admissibility and decision emails, organisers' template emails.
"""

import datetime
import hashlib
import re

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.services import one_line, queue_email

from ..enums import ApplicationState, EmailStatus
from ..models import EmailTemplate, SentEmail, Submission
from .pdfs import submission_pdf

# A submission whose receipt is not queued this long after it was made lost its
# task (broker down, worker killed); older ones are left alone (the history).
RECEIPT_SWEEP_AFTER = datetime.timedelta(minutes=5)
RECEIPT_SWEEP_WINDOW = datetime.timedelta(days=7)

# What each kind of team message is in the outbox.
OUTBOX_KINDS = {
    "inadmissible": EmailKind.APPLICATION_STATE,
    "decision": EmailKind.APPLICATION_STATE,
    "team_message": EmailKind.TEAM_MESSAGE,
}


class _Placeholders(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def active_team_users(application):
    """Return the active users of ``application``'s team, the lead first, then
    the members in the order they joined (the recipients of team emails)."""
    return [
        member.user
        for member in application.team.select_related("user").order_by(
            "role", "joined_at"
        )
        if member.user.is_active
    ]


def email_language(user):
    """Return the language ``user`` reads their emails in (``fr`` or ``en``):
    their own if the site offers it, else the programme's."""
    language = (getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE[:2]


def outbox_key(prefix, address):
    """Return the idempotency key of the email ``prefix`` to ``address``.

    ``<prefix>:<address>``; a long address is replaced by its hash so the key
    stays within the outbox's 200 characters.
    """
    address = address.strip().lower()
    key = f"{prefix}:{address}"
    if len(key) <= 200:
        return key
    return f"{prefix}:{hashlib.sha256(address.encode()).hexdigest()}"


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


# The placeholder syntax of email templates: ``{name}`` and nothing else (no
# attribute or index access, no conversion, no format spec: ``str.format`` on
# an organiser's text would reach Python objects). ``{{`` and ``}}`` are braces.
PLACEHOLDER_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def fill_placeholders(text, values):
    """Return ``text`` with each ``{name}`` of ``values`` replaced by its value.

    Anything else between braces is left as written; never raises.
    """

    def replace(match):
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = (match.group(1) or "").strip()
        if match.group(1) is not None and name in values:
            return str(values[name])
        return token

    return PLACEHOLDER_TOKEN.sub(replace, text)


def _format(text, values):
    return fill_placeholders(text, values)


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
            # The programme decides (a jury may not have scored it): say so.
            message = _(
                "The OpenBatignolles programme has taken its decision on your "
                "application “%(title)s”.\n\n"
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


def _sent_by(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _record_team_email(application, *, kind, template=None, actor, key=None):
    """Record a message to the team of ``application`` and queue it per member.

    The history keeps the text in the lead's language; each active member gets
    it in their own language, with the key ``team-email:<id>:<address>``.
    """
    users = active_team_users(application)
    sent_email = SentEmail(
        application=application,
        template=template,
        kind=kind,
        key=key,
        to=[user.email for user in users],
        sent_by=_sent_by(actor),
    )
    lead = users[0] if users else None
    sent_email.subject, sent_email.body = render_team_email(
        sent_email,
        language=email_language(lead),
        name=lead.display_name if lead else "",
    )
    if not users:
        # Nothing goes to the outbox: the history says so rather than "queued".
        sent_email.status = EmailStatus.FAILED
        sent_email.error = str(_("The team has no active member to write to."))
    sent_email.save()
    deliveries = []
    for user in users:
        language = email_language(user)
        subject, body = render_team_email(
            sent_email, language=language, name=user.display_name
        )
        deliveries.append(
            queue_email(
                key=outbox_key(f"team-email:{sent_email.pk}", user.email),
                kind=OUTBOX_KINDS[kind],
                to=user.email,
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body=body,
                language=language,
                about=application.reference,
            )
        )
    sent_email.deliveries.add(*deliveries)
    return sent_email


def queue_state_email(application, *, kind, actor):
    """Record the email about the application's new state and queue it.

    ``kind`` is ``inadmissible`` (with the reason) or ``decision`` (with the
    feedback). One outbox email per active team member, sent after commit.
    Returns the ``SentEmail``.
    """
    with transaction.atomic():
        return _record_team_email(application, kind=kind, actor=actor)


def queue_team_emails(applications, template, *, actor, batch=""):
    """Record one message per application from ``template`` and queue them.

    Each team member gets it in their language, through the outbox. Records the
    audit event ``team_email.queued`` on the template. ``batch`` (the sending
    form's token) names the messages (``team-email:<batch>:<application id>``):
    a double click or a retry of the same sending queues nothing more. Returns
    the new ``SentEmail`` rows.
    """
    applications = list(applications)
    keys = {
        application.pk: f"team-email:{batch}:{application.pk}" if batch else None
        for application in applications
    }
    with transaction.atomic():
        if batch:
            # Serialise the sendings of one template so a retry sees the first.
            EmailTemplate.objects.select_for_update().filter(pk=template.pk).first()
            done = set(
                SentEmail.objects.filter(key__in=keys.values()).values_list(
                    "key", flat=True
                )
            )
            applications = [a for a in applications if keys[a.pk] not in done]
        sent_emails = [
            _record_team_email(
                application,
                kind="team_message",
                template=template,
                actor=actor,
                key=keys[application.pk],
            )
            for application in applications
        ]
        if not sent_emails:
            return []
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
    return sent_emails


# --- Invitations and receipts -------------------------------------------------


def _render(prefix, context):
    subject = render_to_string(f"email/{prefix}_subject.txt", context)
    body = render_to_string(f"email/{prefix}_body.txt", context)
    return one_line(subject), body


def queue_invitation_email(invitation):
    """Record and queue the email inviting ``invitation.email`` into the team.

    Written in the inviter's language, with the link to accept; outbox key
    ``invitation:<invitation id>``. Call it in the transaction that created
    the invitation. Returns the ``SentEmail``.
    """
    application = invitation.application
    language = email_language(invitation.invited_by)
    with translation.override(language):
        subject, body = _render(
            "application_invitation",
            {
                "application": application,
                "call": application.call,
                "invitation": invitation,
                "inviter": invitation.invited_by,
                "url": settings.SITE_URL
                + reverse(
                    "applications:accept_invitation",
                    kwargs={"token": invitation.token},
                ),
            },
        )
    with transaction.atomic():
        sent_email = SentEmail.objects.create(
            application=application,
            kind="team_invitation",
            key=f"invitation:{invitation.pk}",
            to=[invitation.email],
            subject=subject,
            body=body,
            sent_by=invitation.invited_by,
        )
        delivery = queue_email(
            key=f"invitation:{invitation.pk}",
            kind=EmailKind.TEAM_INVITATION,
            to=invitation.email,
            subject=subject,
            body=body,
            language=language,
            about=application.reference,
        )
        sent_email.deliveries.add(delivery)
    return sent_email


def _receipt(submission, *, language, stored_pdf):
    """Return ``(subject, body, pdf)`` of the receipt in ``language``.

    In the programme's language the PDF is ``stored_pdf``, the submission's
    stored one (``pdfs.submission_pdf``: rendered once, then reused by the jury
    dossier); in another it is rendered in that language.
    """
    application = submission.application
    with translation.override(language):
        subject, body = _render(
            "application_receipt",
            {
                "application": application,
                "call": application.call,
                "submission": submission,
                "submitted_at": timezone.localtime(submission.submitted_at),
                "url": settings.SITE_URL
                + reverse(
                    "applications:application_detail",
                    kwargs={"reference": application.reference},
                ),
            },
        )
    if language == settings.LANGUAGE_CODE:
        pdf = stored_pdf
    else:
        pdf = submission_pdf(submission, language=language)
    return subject, body, pdf


def queue_submission_receipt(submission):
    """Queue the receipt of ``submission`` to each active team member, once.

    Renders the receipt and its PDF (the frozen content) in each member's
    language, outside any transaction, then in one transaction records the
    ``SentEmail`` (key ``receipt:<submission id>``, the submitter's language),
    queues one outbox email per member with the PDF attached (key
    ``receipt:<submission id>:<address>``) and stamps the submission's
    ``receipt_queued_at``. Returns the ``SentEmail``, or None when the receipt
    was already queued (nothing is rendered again) or the team is empty.

    The PDF in the programme's language is rendered once and stored on the
    submission (``pdfs.submission_pdf``), whatever the members' languages:
    the jury dossier reuses it.
    """
    key = f"receipt:{submission.pk}"
    # A stamped submission without the key had its receipt before the outbox.
    if (
        submission.receipt_queued_at is not None
        or SentEmail.objects.filter(key=key).exists()
    ):
        return None
    stored_pdf = submission_pdf(submission)
    application = submission.application
    users = active_team_users(application)
    if not users:
        return None
    submitter = submission.submitted_by or users[0]
    rendered = {}
    for language in [email_language(submitter)] + [
        email_language(user) for user in users
    ]:
        if language not in rendered:
            rendered[language] = _receipt(
                submission, language=language, stored_pdf=stored_pdf
            )
    filename = f"{application.reference}-{submission.number}.pdf"
    subject, body, _pdf = rendered[email_language(submitter)]
    with transaction.atomic():
        sent_email, created = SentEmail.objects.get_or_create(
            key=key,
            defaults={
                "application": application,
                "kind": "submission_receipt",
                "to": [user.email for user in users],
                "subject": subject,
                "body": body,
                "sent_by": submission.submitted_by,
            },
        )
        if not created:
            return None
        deliveries = []
        for user in users:
            language = email_language(user)
            subject, body, pdf = rendered[language]
            deliveries.append(
                queue_email(
                    key=outbox_key(key, user.email),
                    kind=EmailKind.APPLICATION_RECEIPT,
                    to=user.email,
                    subject=subject,
                    body=body,
                    language=language,
                    about=application.reference,
                    attachments=[(filename, pdf, "application/pdf")],
                )
            )
        sent_email.deliveries.add(*deliveries)
        Submission.objects.filter(pk=submission.pk, receipt_queued_at=None).update(
            receipt_queued_at=timezone.now()
        )
    return sent_email


def queue_missing_receipts(*, now=None):
    """Queue the receipts of the submissions whose receipt task was lost.

    Looks at the submissions made between ``RECEIPT_SWEEP_WINDOW`` and
    ``RECEIPT_SWEEP_AFTER`` ago without ``receipt_queued_at`` and queues their
    receipt (``queue_submission_receipt``, itself idempotent). Returns the
    number of receipts queued.
    """
    now = now or timezone.now()
    pending = Submission.objects.filter(
        receipt_queued_at=None,
        submitted_at__lte=now - RECEIPT_SWEEP_AFTER,
        submitted_at__gte=now - RECEIPT_SWEEP_WINDOW,
    ).select_related("application__call", "submitted_by")
    return sum(
        queue_submission_receipt(submission) is not None
        for submission in pending.order_by("submitted_at", "pk")
    )


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
