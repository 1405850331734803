"""The outbox's contract, with Django's in-memory mail backend and eager tasks.

The exactly-once proofs against a real SMTP server are in ``test_smtp.py``.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal.outbox.enums import EmailKind, EmailState
from portal.outbox.models import OutgoingAttachment, OutgoingEmail
from portal.outbox.services import (
    backoff_seconds,
    blank_old_bodies,
    message_id_for,
    queue_email,
    sweep_outbox,
)
from portal.outbox.tasks import send_outgoing_email_task

pytestmark = pytest.mark.django_db

FROM = "OpenBatignolles <ne-pas-repondre@openbatignolles.paris>"


def queue_receipt(key="receipt:AMI-2025-0007", **extra):
    values = {
        "key": key,
        "kind": EmailKind.APPLICATION_RECEIPT,
        "to": "lea@example.org",
        "subject": "Votre candidature AMI-2025-0007 est déposée",
        "body": "Bonjour Léa,\nNous avons bien reçu votre candidature.",
        "language": "fr",
        "about": "AMI-2025-0007",
    }
    values.update(extra)
    return queue_email(**values)


def test_queue_email_sends_once_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_receipt()
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.org"]
    assert message.from_email == FROM
    assert message.subject == "Votre candidature AMI-2025-0007 est déposée"
    assert message.body == "Bonjour Léa,\nNous avons bien reçu votre candidature."
    assert message.extra_headers["Message-ID"] == message_id_for(
        "receipt:AMI-2025-0007"
    )
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.about == "AMI-2025-0007"
    assert email.kind == "application_receipt"


def test_message_id_is_derived_from_the_key_only():
    first = message_id_for("receipt:AMI-2025-0007")

    assert first == message_id_for("receipt:AMI-2025-0007")
    assert first != message_id_for("receipt:AMI-2025-0008")
    assert first.startswith("<outbox.")
    assert first.endswith("@openbatignolles.paris>")


def test_queue_email_twice_with_one_key_keeps_one_row_and_sends_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_receipt()
        second = queue_receipt(subject="Un autre sujet")

    assert second.pk == first.pk
    assert second.subject == "Votre candidature AMI-2025-0007 est déposée"
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_queue_email_in_a_rolled_back_transaction_queues_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                queue_receipt()
                raise RuntimeError("the caller's service failed")

    assert callbacks == []
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


def test_queue_email_sends_the_attachments(django_capture_on_commit_callbacks):
    pdf = b"%PDF-1.7 receipt"
    with django_capture_on_commit_callbacks(execute=True):
        queue_receipt(attachments=[("AMI-2025-0007.pdf", pdf, "application/pdf")])

    assert mail.outbox[0].attachments == [("AMI-2025-0007.pdf", pdf, "application/pdf")]
    attachment = OutgoingAttachment.objects.get()
    assert attachment.filename == "AMI-2025-0007.pdf"
    assert bytes(attachment.content) == pdf


def test_queue_email_keeps_the_subject_on_one_line():
    email = queue_receipt(subject="Votre candidature\r\nBcc: pirate@example.com")

    assert email.subject == "Votre candidature Bcc: pirate@example.com"


def test_queue_email_refuses_a_key_over_200_characters():
    with pytest.raises(ValueError):
        queue_receipt(key="k" * 201)


def test_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    email = queue_receipt()  # on_commit not run: the task is called by hand

    assert send_outgoing_email_task.delay(email_id=email.pk).get() == "sent"
    assert send_outgoing_email_task.delay(email_id=email.pk).get() == "skipped"

    assert len(mail.outbox) == 1


def test_task_for_a_deleted_email_returns_quietly():
    assert send_outgoing_email_task.delay(email_id=987654).get() == "gone"
    assert mail.outbox == []


def test_sweeper_sends_a_row_whose_task_was_lost_once(
    django_capture_on_commit_callbacks,
):
    lost = queue_receipt()  # its on_commit task never ran
    OutgoingEmail.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(minutes=3)
    )
    recent = queue_receipt(key="receipt:AMI-2025-0008")

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox() == [lost.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox() == []

    assert [message.to for message in mail.outbox] == [["lea@example.org"]]
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.state == EmailState.SENT
    assert recent.state == EmailState.QUEUED


def test_sweeper_leaves_a_planned_retry_until_it_is_overdue():
    email = queue_receipt()
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=now - timedelta(hours=1),
        attempts=2,
        next_attempt_at=now - timedelta(minutes=1),
    )

    assert sweep_outbox(now=now) == []
    assert sweep_outbox(now=now + timedelta(minutes=2)) == [email.pk]


def test_sweeper_leaves_a_row_it_requeued_for_five_minutes():
    email = queue_receipt()
    now = timezone.now() + timedelta(minutes=3)
    # A worker outage: the task is queued but nobody sends; simulate by
    # marking the row as re-queued without running the task.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=now + timedelta(minutes=5)
    )

    assert sweep_outbox(now=now) == []
    assert sweep_outbox(now=now + timedelta(minutes=7)) == [email.pk]


def test_backoff_doubles_from_one_minute_to_one_hour():
    assert [backoff_seconds(attempt) for attempt in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_blank_old_bodies_blanks_emails_sent_over_a_year_ago():
    now = timezone.now()
    old = queue_receipt(attachments=[("a.pdf", b"%PDF", "application/pdf")])
    young = queue_receipt(key="receipt:AMI-2025-0008")
    OutgoingEmail.objects.filter(pk=old.pk).update(
        state=EmailState.SENT, sent_at=now - timedelta(days=366)
    )
    OutgoingEmail.objects.filter(pk=young.pk).update(
        state=EmailState.SENT, sent_at=now - timedelta(days=300)
    )

    assert blank_old_bodies(now=now) == 1
    assert blank_old_bodies(now=now) == 0

    old.refresh_from_db()
    young.refresh_from_db()
    assert old.body == ""
    assert old.subject == "Votre candidature AMI-2025-0007 est déposée"
    assert old.attachments.count() == 0
    assert young.body == "Bonjour Léa,\nNous avons bien reçu votre candidature."
