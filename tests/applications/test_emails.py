"""Application emails through the outbox: one row per recipient, sent once."""

import pytest
from django.core import mail
from django.db import transaction

from applications.enums import ApplicationState, EmailStatus
from applications.models import SentEmail
from applications.services.review import decide_application
from applications.services.team import invite_member
from portal.outbox.models import OutgoingEmail
from portal.outbox.tasks import send_outgoing_email_task
from tests.applications.factories import ApplicationFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def test_invitation_queued_once_in_the_outbox_and_sent_once(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory(title="Bruit nocturne")
    lead = application.created_by

    with django_capture_on_commit_callbacks(execute=False):
        invitation = invite_member(application, actor=lead, email="Sami@Example.org")

    row = OutgoingEmail.objects.get()
    link = f"http://127.0.0.1:8000/appels/invitations/{invitation.token}/"
    assert (row.idempotency_key, row.kind, row.to, row.language, row.about) == (
        f"invitation:{invitation.pk}",
        "team_invitation",
        "sami@example.org",
        "fr",
        application.reference,
    )
    assert row.subject == "Rejoignez l’équipe de la candidature « Bruit nocturne »"
    assert link in row.body.splitlines()
    sent = SentEmail.objects.get()
    assert (sent.kind, sent.to, list(sent.deliveries.all())) == (
        "team_invitation",
        ["sami@example.org"],
        [row],
    )

    assert send_outgoing_email_task(email_id=row.pk) == "sent"
    assert send_outgoing_email_task(email_id=row.pk) == "skipped"
    [message] = mail.outbox
    assert (message.to, message.subject) == (["sami@example.org"], row.subject)
    assert SentEmail.objects.get().delivery_status == EmailStatus.SENT


def test_decision_email_one_row_per_member_in_their_language(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory(
        state=ApplicationState.UNDER_REVIEW,
        reference="AMI2-0007",
        title="Bruit nocturne",
    )
    lead = application.created_by
    english = TeamMemberFactory(application=application).user
    english.language = "en"
    english.save(update_fields=["language"])
    organiser = TeamMemberFactory().user

    with django_capture_on_commit_callbacks(execute=False):
        decide_application(
            application,
            ApplicationState.RETAINED,
            feedback="Un projet utile aux habitants.",
            actor=organiser,
        )

    sent = SentEmail.objects.get()
    rows = {row.to: row for row in OutgoingEmail.objects.all()}
    assert set(rows) == {lead.email, english.email}
    assert {row.idempotency_key for row in rows.values()} == {
        f"team-email:{sent.pk}:{lead.email}",
        f"team-email:{sent.pk}:{english.email}",
    }
    assert {row.kind for row in rows.values()} == {"application_state"}
    assert rows[lead.email].subject == (
        "[OpenBatignolles] Décision sur votre candidature AMI2-0007 : Retenue"
    )
    assert rows[english.email].subject == (
        "[OpenBatignolles] Decision on your application AMI2-0007: Retained"
    )
    assert (
        "The OpenBatignolles programme has taken its decision on your application "
        "“Bruit nocturne”.\n\nDecision: Retained\n\nFeedback:\n"
        "Un projet utile aux habitants."
    ) in rows[english.email].body
    assert "jury" not in rows[english.email].body.lower()
    assert sent.delivery_status == EmailStatus.QUEUED

    for row in rows.values():
        send_outgoing_email_task(email_id=row.pk)
        send_outgoing_email_task(email_id=row.pk)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [lead.email, english.email]
    )
    assert SentEmail.objects.get().delivery_status == EmailStatus.SENT


def test_decision_rolled_back_queues_no_email(django_capture_on_commit_callbacks):
    application = ApplicationFactory(state=ApplicationState.UNDER_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            decide_application(
                application,
                ApplicationState.NOT_RETAINED,
                feedback="Hors périmètre.",
                actor=application.created_by,
            )
            raise RuntimeError("the request failed after the decision")

    assert OutgoingEmail.objects.count() == 0
    assert SentEmail.objects.count() == 0
    assert mail.outbox == []
