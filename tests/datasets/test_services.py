import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import ValidationError

from datasets.enums import FeedbackStatus
from datasets.models import Feedback, Sensor
from datasets.services import (
    notify_feedback,
    seed_catalogue,
    set_feedback_status,
    submit_feedback,
)
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensor(db):
    seed_catalogue()
    return Sensor.objects.get(code="SND-004")


def test_submit_feedback_stores_audits_and_emails_the_sheet_address(
    sensor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = submit_feedback(
            message="  Le bruit des terrasses est fort le vendredi.  ",
            sensor=sensor,
            name="Martine",
            email="martine@example.org",
            author=AnonymousUser(),
        )

    feedback.refresh_from_db()
    assert feedback.message == "Le bruit des terrasses est fort le vendredi."
    assert feedback.dataset.slug == "sound-levels"
    assert feedback.author is None
    assert feedback.status == FeedbackStatus.NEW
    assert AuditEvent.objects.get(verb="feedback.submitted").data == {
        "sensor": "SND-004",
        "dataset": "sound-levels",
    }
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["capteurs@openbatignolles.paris"]
    assert mail.outbox[0].reply_to == ["martine@example.org"]
    assert "SND-004" in mail.outbox[0].body
    assert "Le bruit des terrasses" in mail.outbox[0].body
    assert list(
        OutgoingEmail.objects.values_list("idempotency_key", "kind", "state")
    ) == [
        (f"feedback:{feedback.pk}:capteurs@openbatignolles.paris", "feedback", "sent")
    ]


def test_submit_feedback_refuses_an_empty_message(sensor):
    with pytest.raises(ValidationError):
        submit_feedback(message="   ", sensor=sensor)

    assert Feedback.objects.count() == 0


def test_set_feedback_status_refuses_a_transition_not_in_the_table(sensor, organiser):
    feedback = submit_feedback(message="Question ?", sensor=sensor)
    set_feedback_status(feedback, "closed", actor=organiser)

    with pytest.raises(ValidationError):
        set_feedback_status(feedback, "answered", actor=organiser)

    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.CLOSED


@pytest.mark.django_db
def test_feedback_reaches_every_organiser_once(
    sensor, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = submit_feedback(message="Le capteur clignote.", sensor=sensor)

    # One email each, nobody in copy of the others.
    assert [(m.to, m.bcc) for m in mail.outbox] == [
        (["capteurs@openbatignolles.paris"], []),
        (["claire@example.org"], []),
    ]
    assert all("Le capteur clignote." in m.body for m in mail.outbox)
    feedback.refresh_from_db()
    assert feedback.notified_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_feedback(feedback.pk) is False
    assert len(mail.outbox) == 2
    assert OutgoingEmail.objects.count() == 2
