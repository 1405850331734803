"""Application emails through the outbox: one row per recipient, sent once."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from applications.enums import ApplicationState, CallPhase, EmailStatus
from applications.models import SentEmail
from applications.services.review import decide_application, mark_inadmissible
from applications.services.team import invite_member
from portal.outbox.models import OutgoingEmail
from portal.outbox.tasks import send_outgoing_email_task
from tests.applications.factories import ApplicationFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


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
    assert (
        row.subject
        == "Rejoignez l’équipe de la candidature «\u00a0Bruit nocturne\u00a0»"
    )
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
        call__phase=CallPhase.DELIBERATION,
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
        "[OpenBatignolles] Décision sur votre candidature AMI2-0007\u00a0: Retenue"
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
    application = ApplicationFactory(
        state=ApplicationState.UNDER_REVIEW, call__phase=CallPhase.DELIBERATION
    )

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


def test_receipt_whose_task_was_lost_is_queued_by_the_sweeper(
    django_capture_on_commit_callbacks,
):
    from applications.services.emails import queue_missing_receipts
    from applications.services.submission import submit_application
    from tests.applications.factories import make_complete_application

    application = make_complete_application()
    # The on-commit task is never run: as if the broker was down.
    submission = submit_application(application, actor=application.created_by)
    submitted_at = submission.submitted_at

    with django_capture_on_commit_callbacks(execute=True):
        too_early = queue_missing_receipts(now=submitted_at + 4 * MINUTE)
    assert (too_early, OutgoingEmail.objects.count()) == (0, 0)

    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_missing_receipts(now=submitted_at + 6 * MINUTE)
        again = queue_missing_receipts(now=submitted_at + 11 * MINUTE)

    assert (queued, again) == (1, 0)
    row = OutgoingEmail.objects.get()
    assert (row.idempotency_key, row.kind, row.state) == (
        f"receipt:{submission.pk}:{application.created_by.email}",
        "application_receipt",
        "sent",
    )
    [message] = mail.outbox
    assert message.attachments[0][0] == f"{application.reference}-1.pdf"
    submission.refresh_from_db()
    assert submission.receipt_queued_at is not None


def test_sweeper_leaves_submissions_older_than_a_week():
    from applications.services.emails import queue_missing_receipts
    from tests.applications.factories import SubmissionFactory

    submission = SubmissionFactory()

    queued = queue_missing_receipts(
        now=submission.submitted_at + datetime.timedelta(days=8)
    )

    assert (queued, OutgoingEmail.objects.count()) == (0, 0)


def test_state_email_to_a_team_without_active_member_is_failed(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory(
        state=ApplicationState.SUBMITTED, call__phase=CallPhase.ADMISSIBILITY
    )
    lead = application.created_by
    lead.is_active = False
    lead.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        mark_inadmissible(application, reason="Le projet vise Lyon.", actor=None)

    sent = SentEmail.objects.get()
    assert (sent.to, sent.delivery_status, sent.delivery_errors) == (
        [],
        EmailStatus.FAILED,
        "The team has no active member to write to.",
    )
    assert OutgoingEmail.objects.count() == 0
