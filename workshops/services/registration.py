"""Registration, the waiting list, cancellation and promotion.

Capacity holds whatever the concurrency. The workshop row carries the seats
taken of each kind (``taken_project_seats``, ``taken_resident_seats``), and a
registration takes a seat with ONE statement (in the PostgreSQL function
``workshops_register``, migration 0006, which ``register`` calls once)::

    UPDATE workshops_workshop SET taken_<kind> = taken_<kind> + 1
    WHERE id = %s AND <registration open> AND <a seat of that kind is free>
    RETURNING sequence

PostgreSQL runs the concurrent updates of one row one after the other, each
re-checking the ``WHERE`` on the row as the previous one left it: two people
for the last seat cannot both get it. Whoever finds no seat locks the row
(``FOR NO KEY UPDATE``), checks again and joins the waiting list, so a
cancellation (which locks the row ``FOR UPDATE``) waits for them and promotes
them. The row lock is held only for the function's own work (the
registration's row, its audit event) and the commit: the emails and the .ics
are built after the commit, in a task.

Seats: ``project_seats`` are kept for the teams of Projects,
``resident_seats`` for residents, and the rest of the capacity is open to
both. A person of one kind may take a seat of their own reserve or an open
seat; so the seats free for kind K are
``capacity - taken(K) - max(reserved(other), taken(other))``.

Every change of a registration's state (here) moves the counters in the same
transaction; ``recount_seats`` sets them from the registrations (demo data,
repairs).
"""

import datetime
import logging
import time
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ProjectState
from applications.models import Project
from portal.accounts.permissions import is_organiser
from portal.audit.services import record_event

from ..enums import (
    RegistrationState,
    Seat,
    WorkshopState,
)
from ..models import Registration, Workshop, new_token
from . import emails

logger = logging.getLogger(__name__)


class RegistrationError(ValidationError):
    """A registration or cancellation that is not allowed (translated message)."""


LIVE_STATES = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)


def team_projects(user):
    """The active Projects whose team ``user`` belongs to."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(
        state=ProjectState.ACTIVE, application__team__user=user
    ).distinct()


def seats_free(workshop, seat, confirmed_by_seat):
    """How many seats of kind ``seat`` are free, given the confirmed counts."""
    mine = confirmed_by_seat.get(seat, 0)
    if seat == Seat.PROJECT:
        other_reserved = workshop.resident_seats
        other = confirmed_by_seat.get(Seat.RESIDENT, 0)
    else:
        other_reserved = workshop.project_seats
        other = confirmed_by_seat.get(Seat.PROJECT, 0)
    return max(0, workshop.capacity - mine - max(other_reserved, other))


def taken_seats(workshop):
    """{seat: confirmed} of ``workshop``, from its counters (no query)."""
    return {
        Seat.PROJECT: workshop.taken_project_seats,
        Seat.RESIDENT: workshop.taken_resident_seats,
    }


# The counter column of each kind of seat, and the other kind's reserve and
# counter (names of columns, never user input).
_COLUMNS = {
    Seat.PROJECT: ("taken_project_seats", "resident_seats", "taken_resident_seats"),
    Seat.RESIDENT: ("taken_resident_seats", "project_seats", "taken_project_seats"),
}


def seat_counts(workshop):
    """({seat: confirmed}, waiting) of ``workshop``, counted from its
    registrations, in one query."""
    rows = (
        Registration.objects.filter(
            workshop=workshop,
            state__in=(RegistrationState.CONFIRMED, RegistrationState.WAITLISTED),
        )
        .values("state", "seat")
        .annotate(n=Count("id"))
    )
    counts, waiting = {}, 0
    for row in rows:
        if row["state"] == RegistrationState.CONFIRMED:
            counts[row["seat"]] = row["n"]
        else:
            waiting += row["n"]
    return counts, waiting


def confirmed_counts(workshop):
    """{seat: confirmed} of ``workshop``, counted from its registrations."""
    rows = (
        Registration.objects.filter(
            workshop=workshop, state=RegistrationState.CONFIRMED
        )
        .values("seat")
        .annotate(n=Count("id"))
    )
    return {row["seat"]: row["n"] for row in rows}


def recount_seats(workshop):
    """Set the seat counters of ``workshop`` from its confirmed registrations
    (demo data, imports, a repair). Returns {seat: confirmed}."""

    def taken(seat):
        return Subquery(
            Registration.objects.filter(
                workshop=OuterRef("pk"), state=RegistrationState.CONFIRMED, seat=seat
            )
            .order_by()
            .values("workshop")
            .annotate(n=Count("id"))
            .values("n")
        )

    Workshop.objects.filter(pk=workshop.pk).update(
        taken_project_seats=Coalesce(taken(Seat.PROJECT), 0),
        taken_resident_seats=Coalesce(taken(Seat.RESIDENT), 0),
    )
    workshop.taken_project_seats, workshop.taken_resident_seats = (
        Workshop.objects.filter(pk=workshop.pk)
        .values_list("taken_project_seats", "taken_resident_seats")
        .get()
    )
    return taken_seats(workshop)


def _lock(workshop):
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _move_counter(workshop, seat, delta):
    """Add ``delta`` to the seats taken of kind ``seat`` (row already locked)."""
    column = _COLUMNS[seat][0]
    Workshop.objects.filter(pk=workshop.pk).update(**{column: F(column) + delta})
    setattr(workshop, column, getattr(workshop, column) + delta)


def waitlist_position(registration):
    """1 for the first person waiting, None when not waiting."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            workshop_id=registration.workshop_id,
            state=RegistrationState.WAITLISTED,
        )
        .filter(
            Q(waitlisted_at__lt=registration.waitlisted_at)
            | Q(waitlisted_at=registration.waitlisted_at, id__lt=registration.id)
        )
        .count()
        + 1
    )


# The outcomes of ``workshops_register`` that refuse, and their messages
# (``registration_problem`` says the same for a workshop read in Python).
_REFUSALS = {
    "unverified": gettext_lazy("Please verify your email address before registering."),
    "not_member": gettext_lazy("You are not a member of the team of this project."),
    "projects_only": gettext_lazy(
        "This workshop is reserved for the teams of the projects."
    ),
    "draft": gettext_lazy("This workshop is not open for registration."),
    "not_published": gettext_lazy("This workshop is not open for registration."),
    "not_open": gettext_lazy("Registration has not opened yet."),
    "closed": gettext_lazy("Registration is closed."),
    "already": gettext_lazy("You are already registered for this workshop."),
}


def registration_problem(workshop, *, now):
    """Why registration at ``workshop`` is closed now, or "" when open."""
    if workshop.state != WorkshopState.PUBLISHED:
        return str(_REFUSALS["not_published"])
    if now < workshop.registration_opens_at:
        return str(_REFUSALS["not_open"])
    if now >= workshop.registration_closes_at or now >= workshop.starts_at:
        return str(_REFUSALS["closed"])
    return ""


def register(workshop, *, user, project=None, now=None):
    """Register ``user`` at ``workshop``: confirmed if a seat of their kind is
    free, else on the waiting list. Returns the ``Registration``, with its
    place on the waiting list in ``position`` (None when confirmed).

    Raises ``RegistrationError`` when registration is closed, the audience
    excludes the person, the account has no verified address, or the person
    already holds a live registration. A cancelled registration is reused.
    ``project``: the person comes for that Project's team (an invitation);
    else for the first of their active Projects, where the audience allows.

    One round trip: the PostgreSQL function ``workshops_register``
    (migration 0006) reads the workshop, checks that registration is open,
    the address and the team, takes the seat (see the module's docstring),
    writes the registration and its audit event, and counts the place on the
    waiting list. In autocommit it is its own transaction, so the workshop's
    row is locked only for that statement; inside a caller's transaction it
    commits with it. After the commit a task queues the confirmation (with
    its .ics) or the waiting-list email in the outbox, once.
    """
    if not user.is_authenticated:
        raise RegistrationError(_REFUSALS["unverified"])
    outcome, registration = _register_in_database(
        workshop.pk, None, user=user, project=project, now=now
    )
    if outcome == "missing":
        raise RegistrationError(_REFUSALS["not_published"])
    registration.workshop = workshop
    return registration


def register_by_slug(slug, *, user, now=None):
    """``register()`` at the workshop ``slug``, as the registration form
    posts it: the workshop is read by the same round trip. Raises
    ``Workshop.DoesNotExist`` when there is no such workshop, or a draft that
    ``user`` may not see (the page answers 404)."""
    if not user.is_authenticated:
        raise RegistrationError(_REFUSALS["unverified"])
    outcome, registration = _register_in_database(
        None, slug, user=user, project=None, now=now
    )
    if outcome == "missing":
        raise Workshop.DoesNotExist(slug)
    return registration


def _register_in_database(workshop_id, slug, *, user, project, now):
    """One call of ``workshops_register``: ``(outcome, registration)``, the
    outcome "missing" with no registration; raises ``RegistrationError``
    for every other refusal (a draft only for an organiser, "missing" for
    anyone else)."""
    stamp_inside = now is None
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM workshops_register(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                workshop_id,
                slug,
                user.pk,
                project.pk if project is not None else None,
                now,
                stamp_inside,
                new_token(),
                ContentType.objects.get_for_model(Registration).pk,
                timezone.now(),
            ],
        )
        (
            outcome,
            workshop_id,
            position,
            pk,
            seat,
            project_id,
            created_at,
            at,
            sequence,
            token,
        ) = cursor.fetchone()
    if outcome == "draft" and not is_organiser(user):
        outcome = "missing"
    if outcome == "missing":
        return outcome, None
    if outcome in _REFUSALS:
        raise RegistrationError(str(_REFUSALS[outcome]))
    confirmed = outcome == RegistrationState.CONFIRMED
    registration = Registration(
        pk=pk,
        workshop_id=workshop_id,
        user=user,
        project_id=project_id,
        seat=seat,
        state=outcome,
        created_at=created_at,
        confirmed_at=at if confirmed else None,
        waitlisted_at=None if confirmed else at,
        ics_sequence_sent=sequence if confirmed else -1,
        checkin_token=token,
    )
    registration._state.adding = False
    registration._state.db = connection.alias
    registration.position = position
    transaction.on_commit(
        partial(
            _wake_email_sweep,
            registration.pk,
            outcome,
            emails.stamp(at),
        )
    )
    return outcome, registration


# When this process last woke the email sweep (time.monotonic()).
_last_wake = [float("-inf")]


def _wake_email_sweep(registration_id, state, at):
    """After a registration's commit: have a worker queue the due emails.

    One task for many registrations: a process that woke the sweep less than
    ``WORKSHOPS_EMAIL_WAKE_SECONDS`` ago does not send another, and the sweep
    runs ``WORKSHOPS_EMAIL_SWEEP_DELAY`` seconds after its wake-up, so that
    it sees every registration whose wake-up it spared (committed before the
    decision to spare it). 150 registrations at once send a handful of task
    messages instead of 150 (each costs the request about a millisecond of
    Celery and a Redis round trip).

    With the broker down, this registration's email (``state``, stamped
    ``at``) is queued in the outbox here, in the request, as before the
    sweep existed; the outbox sends it when the mail path allows. Nothing is
    lost either way: a row still due is swept by beat every minute.
    """
    from ..tasks import send_due_registration_emails_task

    now = time.monotonic()
    if now - _last_wake[0] < settings.WORKSHOPS_EMAIL_WAKE_SECONDS:
        return
    _last_wake[0] = now
    try:
        send_due_registration_emails_task.apply_async(
            countdown=settings.WORKSHOPS_EMAIL_SWEEP_DELAY
        )
    except Exception:
        _last_wake[0] = float("-inf")
        logger.warning(
            "workshops: the email sweep could not be woken (broker down); "
            "queuing the email of registration %s in the request",
            registration_id,
        )
        with transaction.atomic():
            send_registration_email(registration_id, state=state, at=at)
            Registration.objects.filter(pk=registration_id).update(email_due=False)


def send_due_registration_emails(*, batch=200):
    """Queue in the outbox the email of every registration marked due (its
    confirmation with the .ics, or its waiting-list email with the position),
    and clear the mark. Rows locked by a sweep running at the same time are
    left to it (``SKIP LOCKED``); the outbox's key (the registration and its
    stamp) makes a second queuing of the same email add nothing. Returns the
    number of registrations seen."""
    seen = 0
    while True:
        with transaction.atomic():
            rows = list(
                Registration.objects.select_for_update(skip_locked=True)
                .filter(email_due=True)
                .order_by("id")
                .values_list("id", "state", "confirmed_at", "waitlisted_at")[:batch]
            )
            if not rows:
                return seen
            for pk, state, confirmed_at, waitlisted_at in rows:
                if state == RegistrationState.CONFIRMED:
                    at = confirmed_at
                elif state == RegistrationState.WAITLISTED:
                    at = waitlisted_at
                else:
                    continue  # cancelled since: no registration email to send
                send_registration_email(pk, state=state, at=emails.stamp(at))
            Registration.objects.filter(pk__in=[row[0] for row in rows]).update(
                email_due=False
            )
        seen += len(rows)


def send_registration_email(registration_id, *, state, at):
    """Queue in the outbox the email of a new registration: the confirmation
    with its .ics invitation, or the waiting-list email with the current
    position. Does nothing when the registration is gone or has changed
    since (``state`` and its stamp ``at``): the change sent its own email.
    Exactly once: the outbox's key is the registration and its stamp.
    Returns the ``OutgoingEmail`` or None."""
    registration = (
        Registration.objects.select_related("user", "workshop__room")
        .filter(pk=registration_id, state=state)
        .first()
    )
    if registration is None:
        return None
    if state == RegistrationState.CONFIRMED:
        if emails.stamp(registration.confirmed_at) != at:
            return None
        with transaction.atomic():
            return emails.queue_confirmation(registration)
    if emails.stamp(registration.waitlisted_at) != at:
        return None
    with transaction.atomic():
        return emails.queue_waitlisted(
            registration, position=waitlist_position(registration)
        )


def cancel_registration(registration, *, actor, now=None):
    """Cancel ``registration`` (allowed until the start), then promote the
    first waiting people who fit. Returns the registration."""
    now = now or timezone.now()
    with transaction.atomic():
        workshop = _lock(registration.workshop)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.workshop = workshop
        if registration.state not in LIVE_STATES:
            raise RegistrationError(_("This registration is already cancelled."))
        if now >= workshop.starts_at:
            raise RegistrationError(
                _(
                    "The workshop has started: the "
                    "registration can no longer be cancelled."
                )
            )
        was_confirmed = registration.state == RegistrationState.CONFIRMED
        before = registration.state
        registration.state = RegistrationState.CANCELLED
        registration.cancelled_at = now
        # Its cancellation email replaces a registration email not yet queued.
        registration.email_due = False
        registration.save(update_fields=["state", "cancelled_at", "email_due"])
        if was_confirmed:
            _move_counter(workshop, registration.seat, -1)
        record_event(
            "workshop.registration_cancelled",
            actor=actor,
            target=registration,
            before={"state": before},
            after={"state": RegistrationState.CANCELLED},
            data={"workshop": workshop.slug},
        )
        emails.queue_registration_cancelled(registration, was_confirmed=was_confirmed)
        if was_confirmed:
            promote_waiting(workshop, now=now, locked=True)
    return registration


def has_overlapping_confirmed(user_id, workshop):
    return (
        Registration.objects.filter(
            user_id=user_id,
            state=RegistrationState.CONFIRMED,
            workshop__starts_at__lt=workshop.ends_at,
            workshop__ends_at__gt=workshop.starts_at,
        )
        .exclude(workshop_id=workshop.pk)
        .exclude(workshop__state=WorkshopState.CANCELLED)
        .exists()
    )


def promote_waiting(workshop, *, now=None, locked=False):
    """Confirm the first waiting people, in the order they joined the list,
    while a seat of their kind is free. Skips anyone with a confirmed seat at
    an overlapping workshop (they stay on the list). Returns the promoted.

    With ``locked``, the caller holds the workshop's row lock and
    ``workshop`` carries the current seat counters."""
    now = now or timezone.now()
    promoted = []
    with transaction.atomic():
        if not locked:
            workshop = _lock(workshop)
        if workshop.state != WorkshopState.PUBLISHED or now >= workshop.starts_at:
            return promoted
        counts = taken_seats(workshop)
        if workshop.capacity - sum(counts.values()) <= 0:
            return promoted
        waiting = (
            Registration.objects.select_for_update()
            .select_related("user")
            .filter(workshop=workshop, state=RegistrationState.WAITLISTED)
            .order_by("waitlisted_at", "id")
        )
        for registration in waiting:
            if seats_free(workshop, registration.seat, counts) <= 0:
                continue
            if has_overlapping_confirmed(registration.user_id, workshop):
                continue
            registration.workshop = workshop
            registration.state = RegistrationState.CONFIRMED
            registration.confirmed_at = now
            registration.ics_sequence_sent = workshop.sequence
            # The promotion's email replaces a waiting-list email not yet queued.
            registration.email_due = False
            registration.save(
                update_fields=[
                    "state",
                    "confirmed_at",
                    "ics_sequence_sent",
                    "email_due",
                ]
            )
            _move_counter(workshop, registration.seat, +1)
            counts = taken_seats(workshop)
            record_event(
                "workshop.promoted",
                actor=None,
                target=registration,
                before={"state": RegistrationState.WAITLISTED},
                after={"state": RegistrationState.CONFIRMED},
                data={"workshop": workshop.slug},
            )
            emails.queue_confirmation(registration, promoted=True)
            promoted.append(registration)
            if workshop.capacity - sum(counts.values()) <= 0:
                break
    return promoted


# --- The online link --------------------------------------------------------------

LINK_SHOWN_BEFORE = datetime.timedelta(minutes=30)


def online_link_visible(workshop, registration, *, now=None):
    """The online link is for confirmed participants, from 30 minutes before
    the start until the end."""
    now = now or timezone.now()
    return bool(
        workshop.online_url
        and registration is not None
        and registration.state == RegistrationState.CONFIRMED
        and workshop.state == WorkshopState.PUBLISHED
        and workshop.starts_at - LINK_SHOWN_BEFORE <= now < workshop.ends_at
    )
