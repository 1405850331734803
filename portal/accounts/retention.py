"""Retention applied: what the registry of personal data promises is deleted
or anonymised when its time comes (``portal/accounts/registry.py``).

``apply_retention(now=..., dry_run=...)`` runs every rule and returns
``{rule: count}``; ``manage.py apply_retention [--dry-run]`` prints it, and
the beat entry ``accounts-apply-retention`` runs it every day. Each rule is
safe to run twice: what it changed no longer matches it.
"""

import re
from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q, Value
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import record_event

from . import registry
from .models import Session

# Keys of audit payloads that hold a person's identity: dropped after the
# retention of logs, with any string that looks like an email address.
PERSONAL_KEYS = frozenset(
    {
        "email",
        "emails",
        "to",
        "reply_to",
        "full_name",
        "name",
        "holder_name",
        "signer_name",
        "owner_name",
        "invited_email",
        "recipient",
        "recipients",
        "phone",
        "ip",
        "ip_address",
    }
)
EMAIL_PATTERN = re.compile(r"[^\s@\"'<>,;]+@[^\s@\"'<>,;]+")
ERASED = "[effacé]"
NOT_RETAINED_STATES = ("not_retained", "inadmissible", "withdrawn")


def scrub(value):
    """``value`` (JSON) without personal keys and email addresses."""
    if isinstance(value, dict):
        return {
            key: scrub(item)
            for key, item in value.items()
            if key.lower() not in PERSONAL_KEYS
        }
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return EMAIL_PATTERN.sub(ERASED, value)
    return value


def _delete_files(files):
    for storage, name in files:
        if name:
            transaction.on_commit(
                lambda storage=storage, name=name: storage.delete(name)
            )


def _application_files(application):
    return [
        (item.file.storage, item.file.name) for item in application.attachments.all()
    ] + [
        (item.pdf.storage, item.pdf.name)
        for item in application.submissions.exclude(pdf="")
    ]


def expired_drafts(*, now, dry_run):
    """Delete the drafts never submitted, ``DRAFT_AFTER_DEADLINE`` after their
    call's deadline, with their files."""
    from applications.models import Application

    drafts = Application.objects.filter(
        state="draft", call__closes_at__lt=now - registry.DRAFT_AFTER_DEADLINE
    )
    if dry_run:
        return drafts.count()
    count = 0
    for application in drafts.iterator():
        with transaction.atomic():
            files = _application_files(application)
            record_event(
                "application.draft_expired",
                actor=None,
                target=application.call,
                data={"reference": application.reference},
            )
            application.delete()
            _delete_files(files)
        count += 1
    return count


def not_retained_applications(*, now, dry_run):
    """Anonymise the applications not retained once their call's retention
    (``Call.retention_days``, from the decision) has passed: the team, the
    invitations, the attachments and the receipts' files go, the names and
    addresses in the frozen submissions and the emails' log are blanked. The
    texts stay for the call's record (the jury's scores refer to them)."""
    from applications.models import Application

    age = ExpressionWrapper(now - F("state_changed_at"), output_field=DurationField())
    candidates = (
        Application.objects.filter(state__in=NOT_RETAINED_STATES)
        .annotate(age=age)
        .filter(
            age__gt=ExpressionWrapper(
                F("call__retention_days") * Value(timedelta(days=1)),
                output_field=DurationField(),
            )
        )
        .filter(
            Q(team__isnull=False)
            | Q(invitations__isnull=False)
            | Q(attachments__isnull=False)
            | Q(created_by__isnull=False)
            | Q(updated_by__isnull=False)
        )
        .distinct()
    )
    if dry_run:
        return candidates.count()
    count = 0
    for application in candidates.iterator():
        with transaction.atomic():
            files = [
                (item.file.storage, item.file.name)
                for item in application.attachments.all()
            ]
            application.attachments.all().delete()
            application.team.all().delete()
            application.invitations.all().delete()
            for submission in application.submissions.all():
                for entry in submission.content.get("team", []):
                    entry["name"] = ""
                    entry["email"] = ""
                if submission.pdf:
                    files.append((submission.pdf.storage, submission.pdf.name))
                submission.pdf = ""
                submission.submitted_by = None
                submission.save(update_fields=["content", "pdf", "submitted_by"])
            application.emails.update(to=[], body="", sent_by=None)
            application.created_by = None
            application.updated_by = None
            application.save(update_fields=["created_by", "updated_by"])
            record_event("application.anonymised", actor=None, target=application)
            _delete_files(files)
        count += 1
    return count


def old_emails(*, now, dry_run):
    """Blank the address, the text and the attachments of emails sent (or
    given up) more than ``LOGS`` ago, in the outbox and the applications'
    sent-email log; subjects and dates stay."""
    from applications.models import SentEmail
    from portal.outbox.models import OutgoingAttachment, OutgoingEmail

    limit = now - registry.LOGS
    outbox = OutgoingEmail.objects.filter(
        Q(state="sent", sent_at__lt=limit) | Q(state="failed", created_at__lt=limit)
    ).filter(~Q(to="") | ~Q(reply_to="") | ~Q(body=""))
    sent_log = SentEmail.objects.filter(created_at__lt=limit).filter(
        ~Q(to=[]) | ~Q(body="")
    )
    if dry_run:
        return outbox.count() + sent_log.count()
    with transaction.atomic():
        ids = list(outbox.values_list("pk", flat=True))
        OutgoingAttachment.objects.filter(email_id__in=ids).delete()
        count = OutgoingEmail.objects.filter(pk__in=ids).update(
            to="", reply_to="", body=""
        )
        count += sent_log.update(to=[], body="")
    return count


def old_audit_identities(*, now, dry_run):
    """Remove names and addresses from audit events and admin history older
    than ``LOGS``; the events themselves stay (5 years)."""
    limit = now - registry.LOGS
    marks = Q()
    for column in ("before", "after", "data"):
        marks |= Q(**{f"{column}__icontains": "@"})
        for key in PERSONAL_KEYS:
            marks |= Q(**{f"{column}__has_key": key})
    events = AuditEvent.objects.filter(created_at__lt=limit).filter(marks)
    entries = LogEntry.objects.filter(action_time__lt=limit).filter(
        Q(object_repr__contains="@") | Q(change_message__contains="@")
    )
    if dry_run:
        return events.count() + entries.count()
    count = 0
    with transaction.atomic():
        for event in events.iterator():
            event.before = scrub(event.before)
            event.after = scrub(event.after)
            event.data = scrub(event.data)
            event.save(update_fields=["before", "after", "data"])
            count += 1
        for entry in entries.iterator():
            entry.object_repr = scrub(entry.object_repr)
            entry.change_message = scrub(entry.change_message)
            entry.save(update_fields=["object_repr", "change_message"])
            count += 1
    return count


def old_feedback(*, now, dry_run):
    """Delete the messages about a sensor or a dataset older than ``FEEDBACK``."""
    from datasets.models import Feedback

    old = Feedback.objects.filter(created_at__lt=now - registry.FEEDBACK)
    if dry_run:
        return old.count()
    deleted, _by_model = old.delete()
    return deleted


def expired_sessions(*, now, dry_run):
    """Delete the sessions past their expiry (Django's ``clearsessions``)."""
    expired = Session.objects.filter(expire_date__lt=now)
    if dry_run:
        return expired.count()
    deleted, _by_model = expired.delete()
    return deleted


RULES = {
    "drafts_never_submitted": expired_drafts,
    "applications_not_retained": not_retained_applications,
    "emails": old_emails,
    "audit_identities": old_audit_identities,
    "feedback_messages": old_feedback,
    "expired_sessions": expired_sessions,
}


def apply_retention(*, now=None, dry_run=False):
    """Apply every retention rule; return ``{rule: rows changed}`` (with
    ``dry_run``, the rows that would change, nothing changed)."""
    now = now or timezone.now()
    return {name: rule(now=now, dry_run=dry_run) for name, rule in RULES.items()}
