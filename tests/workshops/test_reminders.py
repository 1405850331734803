"""Reminders: each due one sent once, never the stale ones."""

import datetime

import pytest

from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user
from workshops.services.registration import register
from workshops.services.reminders import send_due_reminders
from workshops.tasks import send_due_reminders_task

from .factories import WorkshopFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def reminder_keys():
    return sorted(
        OutgoingEmail.objects.filter(
            idempotency_key__startswith="workshop-reminder:"
        ).values_list("idempotency_key", flat=True)
    )


def test_reminder_sent_once_when_beat_runs_twice():
    workshop = WorkshopFactory()  # in ten days; reminders 7 days, 1 day, 2 hours
    registration = register(workshop, user=make_user("r@example.org"))
    at_7_days = workshop.starts_at - 7 * DAY + datetime.timedelta(minutes=3)

    assert send_due_reminders(now=at_7_days - datetime.timedelta(minutes=10)) == 0
    assert send_due_reminders(now=at_7_days) == 1
    assert send_due_reminders(now=at_7_days + datetime.timedelta(minutes=5)) == 0
    assert reminder_keys() == [f"workshop-reminder:{registration.pk}:10080"]

    at_1_day = workshop.starts_at - DAY + datetime.timedelta(minutes=1)
    assert send_due_reminders(now=at_1_day) == 1
    assert send_due_reminders(now=at_1_day) == 0
    assert reminder_keys() == [
        f"workshop-reminder:{registration.pk}:10080",
        f"workshop-reminder:{registration.pk}:1440",
    ]
    email = OutgoingEmail.objects.get(
        idempotency_key=f"workshop-reminder:{registration.pk}:1440"
    )
    assert workshop.room.address in email.body


def test_the_beat_task_runs_the_service():
    WorkshopFactory()
    assert send_due_reminders_task() == 0


def test_late_registration_gets_no_stale_reminder():
    workshop = WorkshopFactory()
    one_hour_before = workshop.starts_at - datetime.timedelta(hours=1)
    registration = register(
        workshop, user=make_user("late@example.org"), now=one_hour_before
    )
    assert registration.state == "confirmed"

    assert send_due_reminders(now=one_hour_before + datetime.timedelta(minutes=5)) == 0
    assert reminder_keys() == []


def test_cancelled_or_waiting_people_get_no_reminder():
    workshop = WorkshopFactory(capacity=1)
    register(workshop, user=make_user("in@example.org"))
    register(workshop, user=make_user("wait@example.org"))
    send_due_reminders(now=workshop.starts_at - datetime.timedelta(hours=1))
    assert (
        OutgoingEmail.objects.filter(idempotency_key__startswith="workshop-reminder:")
        .values_list("to", flat=True)
        .get()
        == "in@example.org"
    )
