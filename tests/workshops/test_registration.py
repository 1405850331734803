"""Registration, waiting list, cancellation and promotion (the service)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user
from tests.datasets.conftest import make_project
from workshops.enums import Audience, RegistrationState, Seat, WorkshopState
from workshops.models import Registration
from workshops.services import emails
from workshops.services.registration import (
    RegistrationError,
    cancel_registration,
    confirmed_counts,
    register,
    seats_free,
    send_registration_email,
)
from workshops.services.workshops import update_workshop

from .factories import DemoDaySessionFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def people(count, prefix="p"):
    return [make_user(f"{prefix}{i}@example.org") for i in range(count)]


def test_confirmed_while_seats_then_waitlisted_in_order(
    django_capture_on_commit_callbacks,
):
    workshop = WorkshopFactory(capacity=2)
    a, b, c, d = people(4)

    with django_capture_on_commit_callbacks(execute=True):
        results = [register(workshop, user=u).state for u in (a, b, c, d)]

    assert results == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    waiting = Registration.objects.filter(workshop=workshop, state="waitlisted")
    assert list(waiting.order_by("waitlisted_at").values_list("user", flat=True)) == [
        c.pk,
        d.pk,
    ]
    kinds = sorted(
        OutgoingEmail.objects.filter(about=workshop.slug).values_list(
            "idempotency_key", flat=True
        )
    )
    assert [k.split(":")[0] for k in kinds] == [
        "workshop-confirmed",
        "workshop-confirmed",
        "workshop-waitlisted",
        "workshop-waitlisted",
    ]
    fourth = OutgoingEmail.objects.get(
        to=d.email, idempotency_key__startswith="workshop-waitlisted:"
    )
    assert "position 2" in fourth.body
    assert "\u2063" not in fourth.body


def test_confirmation_carries_an_ics_invitation(django_capture_on_commit_callbacks):
    workshop = WorkshopFactory()
    user = make_user("ics@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        register(workshop, user=user)

    email = OutgoingEmail.objects.get(to="ics@example.org")
    attachment = email.attachments.get()
    assert attachment.filename == f"{workshop.slug}.ics"
    content = bytes(attachment.content).decode()
    assert "METHOD:REQUEST" in content
    assert f"UID:{workshop.uid}@openbatignolles" in content
    assert "confirmée" in email.subject or "confirmed" in email.subject


def test_refusals_are_translated_errors():
    workshop = WorkshopFactory()
    unverified = make_user("nv@example.org", verified=False)
    with pytest.raises(RegistrationError):
        register(workshop, user=unverified)

    closed = WorkshopFactory(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=2),
    )
    user = make_user("u@example.org")
    with pytest.raises(RegistrationError, match="closed|clos"):
        register(closed, user=user)

    draft = WorkshopFactory(state=WorkshopState.DRAFT)
    with pytest.raises(RegistrationError):
        register(draft, user=user)

    projects_only = WorkshopFactory(audience=Audience.PROJECTS)
    with pytest.raises(RegistrationError):
        register(projects_only, user=user)

    register(workshop, user=user)
    with pytest.raises(RegistrationError):
        register(workshop, user=user)
    assert Registration.objects.filter(workshop=workshop, user=user).count() == 1


def test_database_refuses_a_second_row_per_person():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(workshop=registration.workshop, user=registration.user)


def test_re_registering_reuses_the_cancelled_row():
    workshop = WorkshopFactory()
    user = make_user("again@example.org")
    first = register(workshop, user=user)
    cancel_registration(first, actor=user)

    again = register(workshop, user=user)

    assert again.pk == first.pk
    assert again.state == RegistrationState.CONFIRMED
    assert again.cancelled_at is None


def test_reserved_seats_per_audience():
    lead = make_user("lead@example.org")
    project = make_project(lead, "Trottoirs vivants")
    workshop = WorkshopFactory(capacity=3, project_seats=1, resident_seats=1)
    r1, r2, r3 = people(3, "res")

    assert register(workshop, user=r1).state == "confirmed"  # resident seat
    assert register(workshop, user=r2).state == "confirmed"  # the open seat
    # The project seat stays kept for the teams.
    assert register(workshop, user=r3).state == "waitlisted"
    team = register(workshop, user=lead)
    assert (team.state, team.seat, team.project_id) == (
        "confirmed",
        "project",
        project.pk,
    )


def test_seats_free_formula():
    workshop = WorkshopFactory.build(capacity=10, project_seats=3, resident_seats=2)
    assert seats_free(workshop, Seat.RESIDENT, {}) == 7
    assert seats_free(workshop, Seat.PROJECT, {}) == 8
    assert seats_free(workshop, Seat.RESIDENT, {Seat.PROJECT: 5}) == 5
    assert seats_free(workshop, Seat.PROJECT, {Seat.RESIDENT: 7}) == 3


def test_cancel_promotes_the_first_waiting_and_emails_them():
    workshop = WorkshopFactory(capacity=1)
    a, b, c = people(3)
    first = register(workshop, user=a)
    register(workshop, user=b)
    register(workshop, user=c)

    cancel_registration(first, actor=a)

    states = dict(
        Registration.objects.filter(workshop=workshop).values_list("user", "state")
    )
    assert states == {a.pk: "cancelled", b.pk: "confirmed", c.pk: "waitlisted"}
    promoted = OutgoingEmail.objects.get(
        idempotency_key__startswith="workshop-promoted:"
    )
    assert promoted.to == b.email
    assert promoted.attachments.count() == 1
    cancelled = OutgoingEmail.objects.get(
        idempotency_key__startswith="workshop-registration-cancelled:"
    )
    assert cancelled.to == a.email
    assert "METHOD:CANCEL" in bytes(cancelled.attachments.get().content).decode()
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[-2:] == ["workshop.registration_cancelled", "workshop.promoted"]


def test_promotion_skips_someone_attending_an_overlapping_workshop():
    workshop = WorkshopFactory(capacity=1)
    other = WorkshopFactory(starts_at=workshop.starts_at, ends_at=workshop.ends_at)
    a, busy, free = people(3)
    first = register(workshop, user=a)
    register(workshop, user=busy)
    register(workshop, user=free)
    register(other, user=busy)

    cancel_registration(first, actor=a)

    states = dict(
        Registration.objects.filter(workshop=workshop).values_list("user", "state")
    )
    assert states[busy.pk] == "waitlisted"
    assert states[free.pk] == "confirmed"


def test_no_cancellation_after_the_start():
    workshop = WorkshopFactory()
    user = make_user("late@example.org")
    registration = register(workshop, user=user)
    with pytest.raises(RegistrationError):
        cancel_registration(
            registration,
            actor=user,
            now=workshop.starts_at + datetime.timedelta(minutes=1),
        )
    registration.refresh_from_db()
    assert registration.state == "confirmed"


def test_works_for_demoday_sessions():
    session = DemoDaySessionFactory(capacity=1)
    a, b = people(2)
    assert register(session, user=a).state == "confirmed"
    assert register(session, user=b).state == "waitlisted"


def _counters(workshop):
    workshop.refresh_from_db()
    return {
        Seat.PROJECT: workshop.taken_project_seats,
        Seat.RESIDENT: workshop.taken_resident_seats,
    }


def _real(workshop):
    counts = {Seat.PROJECT: 0, Seat.RESIDENT: 0}
    counts.update(confirmed_counts(workshop))
    return counts


def test_seat_counters_equal_the_real_count_through_cancellations_and_promotions(
    organiser,
):
    lead = make_user("lead-count@example.org")
    make_project(lead, "Compteurs justes")
    workshop = WorkshopFactory(capacity=3, project_seats=1, resident_seats=1)
    r1, r2, r3, r4 = people(4, "count")

    for user in (r1, r2, r3, lead, r4):
        register(workshop, user=user)
    assert (
        _counters(workshop)
        == _real(workshop)
        == {
            Seat.PROJECT: 1,
            Seat.RESIDENT: 2,
        }
    )

    # A resident leaves: the first waiting resident (r3) is promoted.
    cancel_registration(Registration.objects.get(user=r1), actor=r1)
    assert (
        _counters(workshop)
        == _real(workshop)
        == {
            Seat.PROJECT: 1,
            Seat.RESIDENT: 2,
        }
    )
    assert Registration.objects.get(user=r3).state == "confirmed"

    # The team leaves: its kept seat stays kept, nobody is promoted into it.
    cancel_registration(Registration.objects.get(user=lead), actor=lead)
    assert (
        _counters(workshop)
        == _real(workshop)
        == {
            Seat.PROJECT: 0,
            Seat.RESIDENT: 2,
        }
    )

    # A waiting person cancels: no seat moves.
    cancel_registration(Registration.objects.get(user=r4), actor=r4)
    assert _counters(workshop) == _real(workshop)

    # A larger capacity promotes, the counters follow.
    r5 = people(1, "late")[0]
    register(workshop, user=r5)
    workshop.refresh_from_db()
    workshop.capacity = 5
    update_workshop(workshop, actor=organiser)
    assert Registration.objects.get(user=r5).state == "confirmed"
    assert (
        _counters(workshop)
        == _real(workshop)
        == {
            Seat.PROJECT: 0,
            Seat.RESIDENT: 3,
        }
    )

    # Coming back reuses the cancelled row and takes a seat again.
    register(workshop, user=r1)
    assert (
        _counters(workshop)
        == _real(workshop)
        == {
            Seat.PROJECT: 0,
            Seat.RESIDENT: 4,
        }
    )


def test_an_edit_read_before_registrations_keeps_their_seats(organiser):
    workshop = WorkshopFactory(capacity=3)
    stale = type(workshop).objects.get(pk=workshop.pk)
    register(workshop, user=people(1, "early")[0])

    stale.title = "Un autre titre"
    update_workshop(stale, actor=organiser)

    assert _counters(workshop) == {Seat.PROJECT: 0, Seat.RESIDENT: 1}


def test_the_registration_email_is_queued_once_after_the_commit(
    django_capture_on_commit_callbacks,
):
    workshop = WorkshopFactory(capacity=1)
    first, second = people(2, "once")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirmed = register(workshop, user=first)
        waiting = register(workshop, user=second)
    # Nothing is built in the request: the emails wait for the commit.
    assert OutgoingEmail.objects.filter(about=workshop.slug).count() == 0
    for callback in callbacks:
        callback()
    # A task run twice (a redelivery) queues nothing more.
    at = emails.stamp(confirmed.confirmed_at)
    again = send_registration_email(confirmed.pk, state="confirmed", at=at)

    rows = OutgoingEmail.objects.filter(about=workshop.slug).order_by("to")
    assert [(row.to, row.idempotency_key.split(":")[0]) for row in rows] == [
        (first.email, "workshop-confirmed"),
        (second.email, "workshop-waitlisted"),
    ]
    assert again.pk == rows[0].pk
    assert "position 1" in rows[1].body
    assert waiting.state == "waitlisted"


def test_no_waiting_list_email_once_promoted_before_the_task_ran():
    workshop = WorkshopFactory(capacity=1)
    first, second = people(2, "fast")
    taken = register(workshop, user=first)
    waiting = register(workshop, user=second)
    at = emails.stamp(waiting.waitlisted_at)
    cancel_registration(taken, actor=first)

    assert send_registration_email(waiting.pk, state="waitlisted", at=at) is None
    keys = sorted(
        key.split(":")[0]
        for key in OutgoingEmail.objects.filter(to=second.email).values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == ["workshop-promoted"]
