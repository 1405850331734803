"""allauth's emails go through the outbox: a mail-server outage at sign-up
no longer loses the verification email (nor answers a 500)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.outbox.models import OutgoingEmail
from portal.outbox.services import sweep_outbox

pytestmark = pytest.mark.django_db

PASSWORD = "une-phrase-de-passe-solide"


def test_signup_with_the_mail_server_down_keeps_the_email_for_later(
    client, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.stop()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/comptes/signup/",
            {
                "email": "nouvelle@example.org",
                "full_name": "Camille Durand",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.to, email.language, email.state, email.attempts) == (
        "account",
        "nouvelle@example.org",
        "en",
        "queued",
        1,
    )
    assert email.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"

    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_outbox(now=timezone.now() + timedelta(minutes=4))

    [message] = smtp_server.messages
    assert message["To"] == "nouvelle@example.org"
    assert message["Subject"] == email.subject
    link = re.search(r"https?://[^/\s]+(/\S+)", message.get_content()).group(1)
    assert link.startswith("/en/comptes/confirm-email/")
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
