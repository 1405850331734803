"""Exactly-once, proved against a real SMTP server (see ``conftest.py``).

Every assertion counts what the server received. Celery runs eagerly (test
settings), so ``apply()``/``delay()`` run the real task, retries included.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from portal.celery import app
from portal.outbox import services
from portal.outbox.enums import EmailKind, EmailState
from portal.outbox.models import OutgoingEmail
from portal.outbox.services import (
    MAX_ATTEMPTS,
    message_id_for,
    queue_email,
    send_outgoing_email,
    sweep_outbox,
)
from portal.outbox.tasks import send_outgoing_email_task


@pytest.fixture
def eager_retries():
    """Let eager Celery run ``self.retry`` as a worker would (at once, without
    the countdown) instead of raising the first ``Retry`` to the caller."""
    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


KEY = "invitation:42:mehdi@example.org"


def queue_invitation(key=KEY):
    return queue_email(
        key=key,
        kind=EmailKind.TEAM_INVITATION,
        to="mehdi@example.org",
        subject="Léa Fontaine vous invite dans son équipe",
        body="Bonjour,\nRejoignez l’équipe « Baromètre du bruit nocturne ».",
        language="fr",
        about="AMI-2025-0007",
    )


def summary(message):
    return (
        message["To"],
        message["Subject"],
        message["Message-ID"].strip(),
        message.get_content().replace("\r\n", "\n"),
    )


EXPECTED = (
    "mehdi@example.org",
    "Léa Fontaine vous invite dans son équipe",
    message_id_for(KEY),
    "Bonjour,\nRejoignez l’équipe « Baromètre du bruit nocturne ».\n",
)


@pytest.mark.django_db
def test_queued_email_reaches_the_server_once(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_invitation()

    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]
    assert smtp_server.messages[0]["From"] == (
        "OpenBatignolles <ne-pas-repondre@openbatignolles.paris>"
    )
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == ("sent", 1, "")


@pytest.mark.django_db
def test_task_run_twice_delivers_one_message(smtp_server):
    email = queue_invitation()  # its on_commit callback is not run here

    first = send_outgoing_email_task.apply(kwargs={"email_id": email.pk})
    second = send_outgoing_email_task.apply(kwargs={"email_id": email.pk})

    assert (first.get(), second.get()) == ("sent", "skipped")
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.mark.django_db
def test_server_refusing_then_recovering_records_attempts_then_delivers_once(
    smtp_server,
):
    email = queue_invitation()
    smtp_server.refuse(2)
    before = timezone.now()

    first = send_outgoing_email(email)
    email.refresh_from_db()
    assert (first.status, first.retry_in) == ("retry", 60)
    assert (email.state, email.attempts) == ("queued", 1)
    assert email.last_error == "451 4.3.0 Mailbox temporarily unavailable"
    assert (
        before + timedelta(seconds=60)
        <= email.next_attempt_at
        <= timezone.now() + timedelta(seconds=60)
    )

    second = send_outgoing_email(email)
    email.refresh_from_db()
    assert (second.status, second.retry_in) == ("retry", 120)
    assert (email.state, email.attempts) == ("queued", 2)

    third = send_outgoing_email(email)
    email.refresh_from_db()
    assert third.status == "sent"
    assert (email.state, email.attempts, email.next_attempt_at) == ("sent", 3, None)
    # The reason of the last failure stays for the organiser to read.
    assert email.last_error == "451 4.3.0 Mailbox temporarily unavailable"
    assert smtp_server.mailbox.data_commands == 3
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.mark.django_db
def test_task_retries_through_celery_until_the_server_recovers(
    smtp_server, eager_retries
):
    email = queue_invitation()
    smtp_server.refuse(2)

    result = send_outgoing_email_task.apply(kwargs={"email_id": email.pk})

    assert result.get() == "sent"
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 3)
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.mark.django_db
def test_server_down_then_back_delivers_once(smtp_server):
    email = queue_invitation()
    smtp_server.stop()

    outcome = send_outgoing_email(email)

    email.refresh_from_db()
    assert (outcome.status, email.attempts) == ("retry", 1)
    assert email.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"

    smtp_server.start()
    assert send_outgoing_email(email).status == "sent"
    assert send_outgoing_email(email).status == "skipped"
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.mark.django_db
def test_after_max_attempts_the_email_is_failed_with_the_reason(
    smtp_server, eager_retries
):
    email = queue_invitation()
    smtp_server.refuse(100)

    result = send_outgoing_email_task.apply(kwargs={"email_id": email.pk})

    assert result.get() == "failed"
    email.refresh_from_db()
    assert MAX_ATTEMPTS == 8
    assert (email.state, email.attempts, email.next_attempt_at) == ("failed", 8, None)
    assert email.last_error == "451 4.3.0 Mailbox temporarily unavailable"
    assert smtp_server.mailbox.data_commands == 8
    assert smtp_server.messages == []
    # A failed email is not sent by a late task either.
    assert send_outgoing_email(email).status == "skipped"
    assert smtp_server.mailbox.data_commands == 8


@pytest.mark.django_db
def test_queue_email_twice_with_one_key_delivers_once(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_invitation()
    with django_capture_on_commit_callbacks(execute=True):
        second = queue_invitation()

    assert second.pk == first.pk
    assert OutgoingEmail.objects.filter(idempotency_key=KEY).count() == 1
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.mark.django_db
def test_rolled_back_caller_queues_and_sends_nothing(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                queue_invitation()
                raise RuntimeError("the decision could not be saved")

    assert OutgoingEmail.objects.count() == 0
    assert smtp_server.mailbox.data_commands == 0


@pytest.mark.django_db
def test_sweeper_resends_a_row_whose_task_was_lost_once(
    smtp_server, django_capture_on_commit_callbacks
):
    email = queue_invitation()  # the task is lost: on_commit never runs
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=3)
    )

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_outbox()

    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]
    email.refresh_from_db()
    assert email.state == EmailState.SENT


@pytest.mark.django_db
def test_sweeper_resends_a_row_whose_retry_was_lost_once(
    smtp_server, django_capture_on_commit_callbacks
):
    email = queue_invitation()
    smtp_server.refuse(1)
    assert send_outgoing_email(email).status == "retry"  # the retry is lost

    later = timezone.now() + timedelta(minutes=4)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_outbox(now=later)

    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_one_message(smtp_server):
    email = OutgoingEmail.objects.create(
        idempotency_key=KEY,
        kind=EmailKind.TEAM_INVITATION,
        to="mehdi@example.org",
        subject="Léa Fontaine vous invite dans son équipe",
        body="Bonjour,\nRejoignez l’équipe « Baromètre du bruit nocturne ».",
    )
    # The server takes its time, so both workers overlap while one sends.
    smtp_server.mailbox.delay = 0.5
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait()
            result = send_outgoing_email_task.apply(kwargs={"email_id": email.pk})
            outcomes.append(result.get())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    # The second worker did not wait for the first: it skipped the locked row.
    assert outcomes == ["skipped", "sent"]
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 1)


@pytest.mark.django_db
def test_refused_at_queue_time_then_swept_delivers_once(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse(1)
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_invitation()

    email.refresh_from_db()
    assert (email.state, email.attempts) == ("queued", 1)
    assert smtp_server.messages == []

    later = timezone.now() + timedelta(minutes=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox(now=later) == [email.pk]

    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.fixture
def broker_down():
    """Celery outside eager mode, its broker a closed localhost port (Redis down)."""
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    # Fresh connection pools to the dead broker; the live ones are put back.
    pools = (app._pool, app.amqp._producer_pool)
    app._pool = app.amqp._producer_pool = None
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    yield
    app._pool, app.amqp._producer_pool = pools
    app.conf.update(previous)


@pytest.mark.django_db
def test_broker_down_at_queue_time_loses_nothing(
    smtp_server, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_invitation()

    email.refresh_from_db()
    assert (email.state, email.attempts) == ("queued", 0)
    assert smtp_server.messages == []
    assert [record.getMessage() for record in caplog.records] == [
        f"outbox: the send task of email {email.pk} could not be queued; "
        "the sweeper will queue it again"
    ]

    # Redis is back: the sweeper (here with eager tasks) sends it, once.
    app.conf.task_always_eager = True
    later = timezone.now() + timedelta(minutes=3)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_outbox(now=later)

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]


@pytest.mark.django_db(transaction=True)
def test_real_worker_retries_after_the_backoff_and_delivers_once(
    smtp_server, real_worker, monkeypatch
):
    """Outside eager mode: the commit queues the task in Redis, a real worker
    meets a refusal, Celery redelivers it after the (shortened) back-off."""
    monkeypatch.setattr(services, "FIRST_BACKOFF_SECONDS", 1)
    smtp_server.refuse(1)
    with real_worker():
        email = queue_invitation()  # autocommit: on_commit runs at once
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            email.refresh_from_db()
            if email.state != EmailState.QUEUED:
                break
            time.sleep(0.2)

    assert (email.state, email.attempts) == ("sent", 2)
    assert email.last_error == "451 4.3.0 Mailbox temporarily unavailable"
    assert smtp_server.mailbox.data_commands == 2
    assert [summary(message) for message in smtp_server.messages] == [EXPECTED]
