"""Capacity under concurrency, on the real PostgreSQL, with real threads.

150 people register at once (each thread its own connection), while some of
the confirmed cancel in between. Whatever the interleaving: the confirmed
never exceed the capacity, everybody else is on the waiting list, and no
request is lost.
"""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user
from workshops.enums import RegistrationState
from workshops.models import Registration
from workshops.services.registration import (
    RegistrationError,
    cancel_registration,
    register,
)

from .factories import WorkshopFactory

PEOPLE = 150


def _fire(workshop, users, *, cancel_every):
    start = threading.Barrier(min(len(users), 32))
    cancelled = []
    errors = []

    def one(index_user):
        index, user = index_user
        try:
            try:
                start.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass
            registration = register(workshop, user=user)
            if cancel_every and index % cancel_every == 0:
                cancel_registration(registration, actor=user)
                cancelled.append(user.pk)
            return registration.state
        except RegistrationError as error:  # pragma: no cover - a failure
            errors.append(error)
            raise
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(one, enumerate(users)))
    return cancelled, errors


def _check(workshop, users, cancelled, capacity):
    rows = dict(
        Registration.objects.filter(workshop=workshop).values_list("user_id", "state")
    )
    confirmed = [
        pk for pk, state in rows.items() if state == RegistrationState.CONFIRMED
    ]
    waiting = [
        pk for pk, state in rows.items() if state == RegistrationState.WAITLISTED
    ]
    gone = [pk for pk, state in rows.items() if state == RegistrationState.CANCELLED]
    # None lost: one row per request.
    assert len(rows) == len(users)
    assert sorted(gone) == sorted(cancelled)
    assert len(confirmed) <= capacity
    # Every other live request is on the waiting list, and the seats freed by
    # the cancellations went to waiting people: the workshop is full.
    assert len(confirmed) + len(waiting) == len(users) - len(cancelled)
    assert len(confirmed) == min(capacity, len(users) - len(cancelled))
    # The seat counter that registration updates equals the real count.
    workshop.refresh_from_db()
    assert (workshop.taken_resident_seats, workshop.taken_project_seats) == (
        len(confirmed),
        0,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("capacity", [30, 1])
def test_150_concurrent_registrations_never_overbook(capacity):
    workshop = WorkshopFactory(capacity=capacity)
    users = [make_user(f"c{capacity}-{i}@example.org") for i in range(PEOPLE)]
    random.Random(capacity).shuffle(users)

    cancelled, errors = _fire(workshop, users, cancel_every=7)

    assert errors == []
    _check(workshop, users, cancelled, capacity)
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_each_concurrent_registration_gets_exactly_one_email():
    workshop = WorkshopFactory(capacity=5)
    users = [make_user(f"mail-{i}@example.org") for i in range(40)]

    cancelled, errors = _fire(workshop, users, cancel_every=0)

    assert (errors, cancelled) == ([], [])
    keys = list(
        OutgoingEmail.objects.filter(about=workshop.slug).values_list(
            "idempotency_key", flat=True
        )
    )
    kinds = sorted(key.split(":")[0] for key in keys)
    assert kinds == ["workshop-confirmed"] * 5 + ["workshop-waitlisted"] * 35
    assert sorted(
        OutgoingEmail.objects.filter(about=workshop.slug).values_list("to", flat=True)
    ) == sorted(user.email for user in users)
    connection.close()
