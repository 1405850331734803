"""Retention applied (portal/accounts/retention.py): each rule on a frozen
clock, its dry run, and the command's output."""

import datetime
import os
from io import StringIO

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from applications.models import Application, Attachment, SentEmail, TeamMember
from datasets.models import Feedback
from portal.accounts.models import Session
from portal.accounts.retention import apply_retention
from portal.accounts.sessions import SessionStore
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import (
    ApplicationFactory,
    AttachmentFactory,
    CallFactory,
    SubmissionFactory,
)

PARIS = datetime.timezone(datetime.timedelta(hours=1))
CLOSED = datetime.datetime(2026, 1, 31, 12, 0, tzinfo=PARIS)
NOTHING = {
    "drafts_never_submitted": 0,
    "applications_not_retained": 0,
    "emails": 0,
    "audit_identities": 0,
    "feedback_messages": 0,
    "expired_sessions": 0,
}


@pytest.fixture
def call(db):
    return CallFactory(
        opens_at=CLOSED - datetime.timedelta(days=60),
        closes_at=CLOSED,
        retention_days=180,
    )


@pytest.fixture
def draft(call):
    application = ApplicationFactory(call=call)
    AttachmentFactory(application=application)
    return application


@pytest.fixture
def not_retained(call):
    application = ApplicationFactory(call=call, state="not_retained")
    AttachmentFactory(application=application)
    SubmissionFactory(application=application)
    Application.objects.filter(pk=application.pk).update(
        state_changed_at=CLOSED + datetime.timedelta(days=40)
    )
    return application


@pytest.mark.django_db(transaction=True)
def test_draft_is_deleted_90_days_after_the_deadline_with_its_file(draft):
    path = draft.attachments.get().file.path

    with freeze_time(CLOSED + datetime.timedelta(days=89)):
        before = apply_retention()
    with freeze_time(CLOSED + datetime.timedelta(days=91)):
        after = apply_retention()
        again = apply_retention()

    assert before == NOTHING
    assert after == {**NOTHING, "drafts_never_submitted": 1}
    assert again == NOTHING
    assert Application.objects.filter(pk=draft.pk).exists() is False
    assert Attachment.objects.count() == 0
    assert os.path.exists(path) is False


@pytest.mark.django_db
def test_not_retained_application_is_anonymised_after_the_calls_retention(
    not_retained,
):
    lead = not_retained.created_by
    decided = CLOSED + datetime.timedelta(days=40)

    with freeze_time(decided + datetime.timedelta(days=179)):
        before = apply_retention()
    with freeze_time(decided + datetime.timedelta(days=181)):
        after = apply_retention()
        again = apply_retention()

    not_retained.refresh_from_db()
    submission = not_retained.submissions.get()
    assert before == NOTHING
    assert after == {**NOTHING, "applications_not_retained": 1}
    assert again == NOTHING
    assert TeamMember.objects.filter(application=not_retained).count() == 0
    assert not_retained.attachments.count() == 0
    assert not_retained.created_by is None
    assert submission.submitted_by is None
    assert [(e["name"], e["email"]) for e in submission.content["team"]] == [("", "")]
    assert lead.email not in str(submission.content)
    assert not_retained.title  # the text stays for the call's record


@pytest.mark.django_db
def test_retained_applications_are_kept(call):
    retained = ApplicationFactory(call=call, state="retained")

    with freeze_time(CLOSED + datetime.timedelta(days=3000)):
        counts = apply_retention()

    assert counts["applications_not_retained"] == 0
    assert TeamMember.objects.filter(application=retained).count() == 1


@pytest.mark.django_db
def test_emails_lose_address_and_text_after_six_months(call):
    application = ApplicationFactory(call=call, state="submitted")
    sent_at = datetime.datetime(2026, 2, 1, 9, 0, tzinfo=PARIS)
    email = OutgoingEmail.objects.create(
        idempotency_key="test:1",
        kind="team",
        to="lea@example.org",
        subject="Votre dossier",
        body="Bonjour Léa",
        state="sent",
        sent_at=sent_at,
        created_at=sent_at,
    )
    SentEmail.objects.create(
        application=application,
        kind="team",
        key="k1",
        to=["lea@example.org"],
        subject="Votre dossier",
        body="Bonjour Léa",
        created_at=sent_at,
    )

    with freeze_time(sent_at + datetime.timedelta(days=182)):
        before = apply_retention()
    with freeze_time(sent_at + datetime.timedelta(days=184)):
        after = apply_retention()

    email.refresh_from_db()
    log = SentEmail.objects.get()
    assert before["emails"] == 0
    assert after["emails"] == 2
    assert (email.to, email.body, email.subject) == ("", "", "Votre dossier")
    assert (log.to, log.body, log.subject) == ([], "", "Votre dossier")


@pytest.mark.django_db
def test_audit_events_lose_names_and_addresses_after_six_months():
    at = datetime.datetime(2026, 2, 1, 9, 0, tzinfo=PARIS)
    event = AuditEvent.objects.create(
        verb="team.invited",
        before={"full_name": "Léa Fontaine", "language": "fr"},
        after={"note": "invité : mehdi@example.org"},
        data={"email": "mehdi@example.org", "reference": "AMI-0001"},
        created_at=at,
    )

    with freeze_time(at + datetime.timedelta(days=182)):
        before = apply_retention()
    with freeze_time(at + datetime.timedelta(days=184)):
        after = apply_retention()
        again = apply_retention()

    event.refresh_from_db()
    assert before["audit_identities"] == 0
    assert after["audit_identities"] == 1
    assert again["audit_identities"] == 0
    assert event.before == {"language": "fr"}
    assert event.after == {"note": "invité : [effacé]"}
    assert event.data == {"reference": "AMI-0001"}
    assert event.verb == "team.invited"


@pytest.mark.django_db
def test_feedback_messages_are_deleted_after_a_year():
    at = datetime.datetime(2025, 10, 1, 9, 0, tzinfo=PARIS)
    Feedback.objects.create(
        name="Léa",
        email="lea@example.org",
        message="Bruit rue des Dames",
        created_at=at,
    )

    with freeze_time(at + datetime.timedelta(days=364)):
        before = apply_retention()
    with freeze_time(at + datetime.timedelta(days=366)):
        after = apply_retention()

    assert (before["feedback_messages"], after["feedback_messages"]) == (0, 1)
    assert Feedback.objects.count() == 0


@pytest.mark.django_db
def test_expired_sessions_are_deleted():
    with freeze_time("2026-03-01 10:00:00"):
        store = SessionStore()
        store["x"] = 1
        store.set_expiry(3600)
        store.save()
    with freeze_time("2026-03-01 10:30:00"):
        before = apply_retention()
    with freeze_time("2026-03-01 11:30:00"):
        after = apply_retention()

    assert (before["expired_sessions"], after["expired_sessions"]) == (0, 1)
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(draft, not_retained):
    with freeze_time(CLOSED + datetime.timedelta(days=400)):
        out = StringIO()
        call_command("apply_retention", "--dry-run", stdout=out)

    assert out.getvalue().splitlines() == [
        "drafts_never_submitted: 1 would change",
        "applications_not_retained: 1 would change",
        "emails: 0 would change",
        "audit_identities: 0 would change",
        "feedback_messages: 0 would change",
        "expired_sessions: 0 would change",
    ]
    assert Application.objects.count() == 2
    assert Attachment.objects.count() == 2


@pytest.mark.django_db
def test_beat_runs_the_retention_every_day(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-apply-retention"]

    assert entry == {"task": "accounts.apply_retention", "schedule": 86400}


@pytest.mark.django_db
def test_call_form_shows_the_retention_to_organisers(organiser_client, call):
    response = organiser_client.get(f"/gestion/appels/{call.slug}/modifier/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="retention_days"' in html
    assert 'value="180"' in html
