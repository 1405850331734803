"""The outbox: the one way the portal sends email.

A service that decides an email calls ``queue_email`` inside its own
transaction: one row per recipient, unique on its idempotency key. After the
commit a task locks the row, sends it, and marks it sent; on a mail-server
error it records the reason and retries with a growing back-off, up to
``MAX_ATTEMPTS``. The sweeper re-queues rows whose task was lost (Redis down at
queue time, a worker killed), so nothing queued is ever forgotten.

Exactly once: the row lock and the ``sent`` state make a second run, a
redelivery or a concurrent worker send nothing more. The one window left is a
crash after the mail server accepted the message and before the commit; the
resent copy then carries the same Message-ID, so receivers can deduplicate.
"""

import hashlib
import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from functools import partial

from celery.exceptions import Retry
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from .enums import EMAIL_TRANSITIONS, EmailState
from .models import OutgoingAttachment, OutgoingEmail

logger = logging.getLogger(__name__)

# Attempts before an email is marked failed; the waits between them double
# from one minute to at most an hour (about two hours in all).
MAX_ATTEMPTS = 8
FIRST_BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 3600
# A queued row whose task should have run this long ago is taken as lost.
SWEEP_AFTER = timedelta(minutes=2)
# The sweeper leaves a row it re-queued alone this long before trying again.
SWEEP_LEASE = timedelta(minutes=5)
SWEEP_BATCH = 500
# The retention stated in the privacy notice: bodies of sent emails, one year.
BODY_RETENTION = timedelta(days=365)
ERROR_MAX_LENGTH = 2000

_ASCII_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text):
    """``text`` on one line, runs of ASCII whitespace folded to one space.

    ``str.split()`` would also fold the non-breaking spaces of French
    typography (before « : » and inside « »); they stay.
    """
    return _ASCII_SPACES.sub(" ", str(text)).strip(" ")


class OutboxError(Exception):
    """A change the outbox refuses (its message is shown to the organiser)."""


@dataclass(frozen=True)
class SendOutcome:
    """What one send attempt did: ``sent``, ``skipped``, ``retry`` or ``failed``."""

    status: str
    retry_in: int | None = None


def queue_email(
    *,
    key,
    kind,
    to,
    subject,
    body,
    language="",
    about="",
    attachments=(),
    reply_to="",
):
    """Queue one email to ONE recipient address ``to``; idempotent on ``key``.

    Insert with ``ON CONFLICT (idempotency_key) DO NOTHING`` and return the
    ``OutgoingEmail`` row (the existing one when the key was already queued).
    ``attachments`` is an iterable of ``(filename, bytes, mimetype)``;
    ``reply_to`` an optional address for answers. Call it
    inside the caller's transaction: the send task is queued with
    ``transaction.on_commit``, so a rollback queues and sends nothing. If
    queuing the task fails (Redis down) it is logged and the row stays queued
    for the sweeper. Raises ``ValueError`` on a key longer than 200 characters
    or a ``to`` that is not one address.
    """
    key = str(key)
    if not key or len(key) > 200:
        raise ValueError("An outbox idempotency key has 1 to 200 characters.")
    if "@" not in str(to) or "," in str(to):
        raise ValueError("An outbox email goes to one address.")
    email = OutgoingEmail(
        idempotency_key=key,
        kind=str(kind),
        to=str(to).strip(),
        reply_to=str(reply_to or "").strip(),
        language=str(language or "")[:10],
        # A subject is one header line: newlines would be refused at send time.
        # Only ASCII whitespace folds: French typography's non-breaking spaces
        # stay.
        subject=_shorten(one_line(subject), 300),
        body=str(body),
        about=_shorten(str(about or ""), 200),
        state=EmailState.QUEUED,
        created_at=timezone.now(),
    )
    with transaction.atomic():
        email_id = _insert_unless_queued(email)
        if email_id is None:
            return OutgoingEmail.objects.get(idempotency_key=key)
        email.pk = email_id
        email._state.adding = False
        email._state.db = "default"
        OutgoingAttachment.objects.bulk_create(
            OutgoingAttachment(
                email=email,
                filename=str(filename),
                content=bytes(content),
                mimetype=str(mimetype),
            )
            for filename, content, mimetype in attachments
        )
        transaction.on_commit(partial(enqueue_send, email_id))
    return email


def _shorten(text, length):
    return text if len(text) <= length else text[: length - 1] + "…"


def _insert_unless_queued(email):
    """Insert ``email``; return its id, or None when its key already exists."""
    meta = OutgoingEmail._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('idempotency_key').column)}) "
        f"DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    params = [
        field.get_db_prep_save(getattr(email, field.attname), connection)
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def enqueue_send(email_id):
    """Queue the send task of one email; on a broker error, log and let the
    sweeper find the row later (nothing is lost, nothing raised)."""
    from .tasks import send_outgoing_email_task

    try:
        send_outgoing_email_task.delay(email_id=email_id)
    except Retry:
        # Eager mode (tests, a machine without Redis) raises the first retry:
        # the attempt is recorded and the sweeper runs the next one.
        pass
    except Exception:
        logger.exception(
            "outbox: the send task of email %s could not be queued; "
            "the sweeper will queue it again",
            email_id,
        )


def message_id_for(key):
    """Return the Message-ID header of the email with idempotency ``key``.

    Derived from the key only, so a copy resent after a crash carries the same
    Message-ID and receivers can recognise it.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] or "openbatignolles.paris"
    return f"<outbox.{digest}@{domain}>"


def build_message(email):
    """Return the ``EmailMessage`` for an ``OutgoingEmail`` row."""
    headers = {"Message-ID": message_id_for(email.idempotency_key)}
    if email.language:
        headers["Content-Language"] = email.language
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    for attachment in email.attachments.all():
        message.attach(
            attachment.filename, bytes(attachment.content), attachment.mimetype
        )
    return message


def backoff_seconds(attempts):
    """Seconds to wait after the ``attempts``-th failed attempt (1, 2, 4... min)."""
    return min(FIRST_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def describe_error(exc):
    """Return a short, readable reason for a failed attempt."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        reasons = [
            f"{address}: {code} {_decode(text)}"
            for address, (code, text) in exc.recipients.items()
        ]
        reason = "; ".join(reasons)
    elif isinstance(exc, smtplib.SMTPResponseException):
        reason = f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return reason[:ERROR_MAX_LENGTH]


def _decode(text):
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def send_outgoing_email(email, *, now=None):
    """Send one queued email, at most once; return a ``SendOutcome``.

    Lock the row (skipping it if another worker holds it: that worker finishes
    it); do nothing when it is gone or no longer queued. On success mark it
    sent. On an SMTP or network error count the attempt, store the reason and
    set ``next_attempt_at`` with a growing back-off (outcome ``retry`` with the
    delay), or mark it failed after ``MAX_ATTEMPTS``. Any other error (a
    message that cannot be built) marks it failed at once. The change commits
    before the caller retries.
    """
    with transaction.atomic():
        row = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email.pk)
            .first()
        )
        if row is None or row.state != EmailState.QUEUED:
            return SendOutcome("skipped")
        try:
            build_message(row).send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            return _record_failure(row, describe_error(exc), now=now)
        except Exception as exc:
            logger.exception("outbox: email %s cannot be sent", row.pk)
            return _record_failure(row, describe_error(exc), now=now, final=True)
        row.state = EmailState.SENT
        row.attempts += 1
        row.sent_at = timezone.now()
        row.next_attempt_at = None
        row.save(update_fields=["state", "attempts", "sent_at", "next_attempt_at"])
    return SendOutcome("sent")


def _record_failure(row, reason, *, now=None, final=False):
    now = now or timezone.now()
    row.attempts += 1
    row.last_error = reason
    if final or row.attempts >= MAX_ATTEMPTS:
        row.state = EmailState.FAILED
        row.next_attempt_at = None
        outcome = SendOutcome("failed")
        logger.warning("outbox: email %s failed for good: %s", row.pk, reason)
    else:
        delay = backoff_seconds(row.attempts)
        row.next_attempt_at = now + timedelta(seconds=delay)
        outcome = SendOutcome("retry", retry_in=delay)
    row.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
    return outcome


def sweep_outbox(*, now=None):
    """Queue again the send task of queued emails whose task was lost.

    A row is taken as lost when its planned attempt (``next_attempt_at``, or
    its creation when never attempted) is more than ``SWEEP_AFTER`` old. Each
    re-queued row is left alone for ``SWEEP_LEASE``, so a worker outage does
    not pile up tasks. Rows a worker holds are skipped. Returns the ids queued.
    """
    now = now or timezone.now()
    due = (
        OutgoingEmail.objects.filter(state=EmailState.QUEUED)
        .annotate(planned_at=Coalesce(F("next_attempt_at"), F("created_at")))
        .filter(planned_at__lte=now - SWEEP_AFTER)
    )
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("planned_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if ids:
            OutgoingEmail.objects.filter(pk__in=ids).update(
                next_attempt_at=now + SWEEP_LEASE
            )
            transaction.on_commit(partial(_enqueue_many, ids))
    if ids:
        logger.info("outbox: %d lost email task(s) queued again", len(ids))
    return ids


def _enqueue_many(ids):
    for email_id in ids:
        enqueue_send(email_id)


def retry_email(email, *, actor):
    """Queue a failed email again for a fresh series of attempts. Audited.

    Raises ``OutboxError`` unless the email is failed and still has a
    recipient (an erased person's emails are never sent again).
    """
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if EmailState.QUEUED not in EMAIL_TRANSITIONS[row.state]:
            raise OutboxError(_("Only a failed email can be sent again."))
        if not row.to:
            raise OutboxError(_("This email's recipient was erased."))
        before = {"state": row.state, "attempts": row.attempts}
        row.state = EmailState.QUEUED
        row.attempts = 0
        row.next_attempt_at = None
        row.save(update_fields=["state", "attempts", "next_attempt_at"])
        record_event(
            "email.requeued",
            actor=actor,
            target=row,
            before=before,
            after={"state": row.state, "attempts": 0},
        )
        transaction.on_commit(partial(enqueue_send, row.pk))
    return row


def blank_old_bodies(*, now=None):
    """Blank the body and drop the attachments of emails sent (or failed)
    more than ``BODY_RETENTION`` ago; keep the row (who, what, when).
    Returns the number of rows blanked; safe to run twice."""
    now = now or timezone.now()
    limit = now - BODY_RETENTION
    old = OutgoingEmail.objects.filter(
        Q(state=EmailState.SENT, sent_at__lt=limit)
        | Q(state=EmailState.FAILED, created_at__lt=limit)
    )
    with transaction.atomic():
        OutgoingAttachment.objects.filter(email__in=old).delete()
        blanked = old.exclude(body="").update(body="")
    return blanked
