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
