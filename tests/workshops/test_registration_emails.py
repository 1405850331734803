"""Registration emails: marked due by the registration, queued by a sweep
that registrations wake up once for many (issue 10).

With the production values (one wake-up per process every half second, the
sweep a second after it), in process and then with a real worker on the real
Redis broker: every registration gets exactly one email, the spared ones
included, and beat's sweep catches what a lost wake-up left.
"""

import time

import pytest
from django.db import connection

from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user
from workshops.models import Registration
from workshops.services import registration as service
from workshops.services.registration import cancel_registration, register
from workshops.tasks import send_due_registration_emails_task

from .factories import WorkshopFactory


@pytest.fixture
def production_wake(settings):
    settings.WORKSHOPS_EMAIL_WAKE_SECONDS = 0.5
    settings.WORKSHOPS_EMAIL_SWEEP_DELAY = 1
    service._last_wake[0] = float("-inf")
    yield
    service._last_wake[0] = float("-inf")


def _kinds(workshop):
    return sorted(
        (key.split(":")[0], to)
        for key, to in OutgoingEmail.objects.filter(about=workshop.slug).values_list(
            "idempotency_key", "to"
        )
    )


@pytest.mark.django_db
def test_spared_wake_ups_are_caught_by_beats_sweep(
    production_wake, settings, django_capture_on_commit_callbacks
):
    # A window long enough that the test's own pace never leaves it (the
    # first email's rendering takes a while the first time).
    settings.WORKSHOPS_EMAIL_WAKE_SECONDS = 60
    workshop = WorkshopFactory(capacity=1)
    people = [make_user(f"spared-{n}@example.org") for n in range(3)]

    for person in people:
        # Each registration commits, then its wake-up is decided.
        with django_capture_on_commit_callbacks(execute=True):
            register(workshop, user=person)

    # The first woke the sweep (run at once here, in process); the next two,
    # within the window, did not: their rows stay due.
    assert _kinds(workshop) == [("workshop-confirmed", "spared-0@example.org")]
    assert sorted(
        Registration.objects.filter(email_due=True).values_list(
            "user__email", flat=True
        )
    ) == ["spared-1@example.org", "spared-2@example.org"]

    assert send_due_registration_emails_task.delay().get() == 2
    assert send_due_registration_emails_task.delay().get() == 0
    assert _kinds(workshop) == [
        ("workshop-confirmed", "spared-0@example.org"),
        ("workshop-waitlisted", "spared-1@example.org"),
        ("workshop-waitlisted", "spared-2@example.org"),
    ]
    assert not Registration.objects.filter(email_due=True).exists()
    waiting = OutgoingEmail.objects.get(to="spared-2@example.org")
    assert "position 2" in waiting.body


@pytest.mark.django_db
def test_a_cancellation_or_a_promotion_before_the_sweep_replaces_its_email(
    production_wake,
):
    workshop = WorkshopFactory(capacity=1)
    first, second = (make_user(f"swap-{n}@example.org") for n in range(2))
    service._last_wake[0] = time.monotonic()  # no wake-up: the rows stay due
    taken = register(workshop, user=first)
    register(workshop, user=second)
    assert Registration.objects.filter(email_due=True).count() == 2

    cancel_registration(taken, actor=first)  # promotes the second

    assert send_due_registration_emails_task.delay().get() == 0
    assert _kinds(workshop) == [
        ("workshop-promoted", "swap-1@example.org"),
        ("workshop-registration-cancelled", "swap-0@example.org"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_registration_one_email(production_wake, real_worker):
    workshop = WorkshopFactory(capacity=2)
    people = [make_user(f"worker-{n}@example.org") for n in range(5)]
    with real_worker():
        started = time.monotonic()
        for person in people:
            register(workshop, user=person)  # autocommit: wakes at once
        # One wake-up for five registrations, its sweep a second later.
        deadline = time.monotonic() + 20
        while (
            OutgoingEmail.objects.filter(about=workshop.slug).count() < 5
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        waited = time.monotonic() - started
    assert _kinds(workshop) == [
        ("workshop-confirmed", "worker-0@example.org"),
        ("workshop-confirmed", "worker-1@example.org"),
        ("workshop-waitlisted", "worker-2@example.org"),
        ("workshop-waitlisted", "worker-3@example.org"),
        ("workshop-waitlisted", "worker-4@example.org"),
    ]
    assert waited >= 1  # the sweep waited for the registrations it spared
    assert not Registration.objects.filter(email_due=True).exists()
    connection.close()
