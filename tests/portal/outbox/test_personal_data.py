import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation

from portal.accounts.services import erase_user, export_personal_data
from portal.outbox.enums import EmailKind, EmailState
from portal.outbox.models import OutgoingAttachment, OutgoingEmail
from portal.outbox.services import OutboxError, retry_email

pytestmark = pytest.mark.django_db

MARCH_2 = datetime.datetime(2026, 3, 2, 11, 0, tzinfo=datetime.UTC)


def make_email(key, to, *, state=EmailState.SENT, **extra):
    values = {
        "idempotency_key": key,
        "kind": EmailKind.APPLICATION_RECEIPT,
        "to": to,
        "subject": f"Sujet {key}",
        "body": "Bonjour Léa, votre candidature AMI-2025-0007 est déposée.",
        "state": state,
        "created_at": MARCH_2,
        "sent_at": MARCH_2 if state == EmailState.SENT else None,
    }
    values.update(extra)
    return OutgoingEmail.objects.create(**values)


def test_export_lists_the_emails_sent_to_each_of_the_users_addresses(user):
    EmailAddress.objects.create(user=user, email="lea.pro@example.org")
    make_email("receipt:7", "Lea@Example.org")
    make_email(
        "grant:1",
        "lea.pro@example.org",
        kind=EmailKind.DATA_GRANT,
        state=EmailState.QUEUED,
        created_at=MARCH_2 + datetime.timedelta(days=1),
    )
    make_email("receipt:8", "mehdi@example.org")

    with translation.override("en"):
        data = export_personal_data(user)

    assert data["emails_sent_to_you"] == [
        {
            "to": "Lea@Example.org",
            "subject": "Sujet receipt:7",
            "kind": "Application receipt",
            "state": "Sent",
            "queued_at": "2026-03-02T11:00:00+00:00",
            "sent_at": "2026-03-02T11:00:00+00:00",
        },
        {
            "to": "lea.pro@example.org",
            "subject": "Sujet grant:1",
            "kind": "Data access grant",
            "state": "Queued",
            "queued_at": "2026-03-03T11:00:00+00:00",
            "sent_at": None,
        },
    ]


def test_erasure_blanks_address_and_body_and_never_sends_a_queued_one(user, organiser):
    sent = make_email("receipt:7", "lea@example.org")
    OutgoingAttachment.objects.create(
        email=sent,
        filename="AMI-2025-0007.pdf",
        mimetype="application/pdf",
        content=b"%PDF",
    )
    waiting = make_email("grant:1", "LEA@example.org", state=EmailState.QUEUED)
    other = make_email("receipt:8", "mehdi@example.org")

    erase_user(user, actor=user)

    sent.refresh_from_db()
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert (sent.to, sent.body, sent.state, sent.subject) == (
        "",
        "",
        "sent",
        "Sujet receipt:7",
    )
    assert OutgoingAttachment.objects.count() == 0
    assert (waiting.to, waiting.body, waiting.state, waiting.last_error) == (
        "",
        "",
        "failed",
        "Not sent: the recipient's account was erased.",
    )
    assert (other.to, other.body) == (
        "mehdi@example.org",
        "Bonjour Léa, votre candidature AMI-2025-0007 est déposée.",
    )
    with pytest.raises(OutboxError):
        retry_email(waiting, actor=organiser)
    assert export_personal_data(user)["emails_sent_to_you"] == []
