"""Registration, the waiting list, cancellation and promotion.

Capacity holds whatever the concurrency: every change of a workshop's seats
first locks the workshop row (``select_for_update``), then counts the
confirmed registrations of each kind of seat. Two requests for the last seat
therefore run one after the other: the second finds it taken and goes on the
waiting list.

Seats: ``project_seats`` are kept for the teams of Projects,
``resident_seats`` for residents, and the rest of the capacity is open to
both. A person of one kind may take a seat of their own reserve or an open
seat; so the seats free for kind K are
``capacity - confirmed(K) - max(reserved(other), confirmed(other))``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ProjectState
from applications.models import Project
from portal.accounts.permissions import has_verified_email
from portal.audit.services import record_event

from ..enums import (
    REGISTRATION_TRANSITIONS,
    Audience,
    RegistrationState,
    Seat,
    WorkshopState,
)
from ..models import Registration, Workshop
from . import emails


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


def seat_counts(workshop):
    """({seat: confirmed}, waiting) of ``workshop``, in one query."""
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
    rows = (
        Registration.objects.filter(
            workshop=workshop, state=RegistrationState.CONFIRMED
        )
        .values("seat")
        .annotate(n=Count("id"))
    )
    return {row["seat"]: row["n"] for row in rows}


def _lock(workshop):
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


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


def _choose_seat(workshop, user, project):
    """The seat kind and Project of ``user`` at ``workshop``, or an error."""
    projects = team_projects(user)
    if project is not None:
        if not projects.filter(pk=project.pk).exists():
            raise RegistrationError(
                _("You are not a member of the team of this project.")
            )
    elif workshop.audience != Audience.RESIDENTS:
        project = projects.order_by("name", "id").first()
    if workshop.audience == Audience.PROJECTS:
        if project is None:
            raise RegistrationError(
                _("This workshop is reserved for the teams of the projects.")
            )
        return Seat.PROJECT, project
    if workshop.audience == Audience.RESIDENTS:
        return Seat.RESIDENT, None
    if project is not None:
        return Seat.PROJECT, project
    return Seat.RESIDENT, None


def registration_problem(workshop, *, now):
    """Why registration at ``workshop`` is closed now, or "" when open."""
    if workshop.state != WorkshopState.PUBLISHED:
        return _("This workshop is not open for registration.")
    if now < workshop.registration_opens_at:
        return _("Registration has not opened yet.")
    if now >= workshop.registration_closes_at or now >= workshop.starts_at:
        return _("Registration is closed.")
    return ""


def register(workshop, *, user, project=None, now=None):
    """Register ``user`` at ``workshop``: confirmed if a seat of their kind is
    free, else on the waiting list. Returns the ``Registration``.

    Raises ``RegistrationError`` when registration is closed, the audience
    excludes the person, the account has no verified address, or the person
    already holds a live registration. A cancelled registration is reused.

    Everything that does not depend on the seats left (checks, the person's
    Project, both possible emails and the .ics) is prepared before the
    workshop row is locked, so that the lock is held for a handful of short
    statements only: 150 people registering at once wait for each other as
    little as possible.
    """
    stamp_inside = now is None
    now = now or timezone.now()
    if not user.is_authenticated or not has_verified_email(user):
        raise RegistrationError(
            _("Please verify your email address before registering.")
        )
    problem = registration_problem(workshop, now=now)
    if problem:
        raise RegistrationError(problem)
    existing = Registration.objects.filter(workshop=workshop, user=user).first()
    if existing is not None and existing.state in LIVE_STATES:
        raise RegistrationError(_("You are already registered for this workshop."))
    seat, project = _choose_seat(workshop, user, project)
    confirmation = emails.prepare_confirmation(user, workshop)
    waitlisted = emails.prepare_waitlisted(user, workshop)
    try:
        with transaction.atomic():
            registration = _register_locked(
                workshop,
                user=user,
                seat=seat,
                project=project,
                existing_id=existing.pk if existing is not None else None,
                now=timezone.now() if stamp_inside else now,
                prepared={
                    RegistrationState.CONFIRMED: confirmation,
                    RegistrationState.WAITLISTED: waitlisted,
                },
            )
    except IntegrityError as error:
        # The same person twice at the same moment (a double click): the
        # database keeps one row.
        raise RegistrationError(
            _("You are already registered for this workshop.")
        ) from error
    return registration


def _register_locked(workshop, *, user, seat, project, existing_id, now, prepared):
    locked = _lock(workshop)
    problem = registration_problem(locked, now=now)
    if problem:
        raise RegistrationError(problem)
    if locked.sequence != workshop.sequence:
        # The workshop changed meanwhile: the prepared .ics is out of date.
        workshop = locked
        prepared = {
            RegistrationState.CONFIRMED: emails.prepare_confirmation(user, locked),
            RegistrationState.WAITLISTED: emails.prepare_waitlisted(user, locked),
        }
    counts, waiting = seat_counts(locked)
    free = seats_free(locked, seat, counts)
    state = RegistrationState.CONFIRMED if free > 0 else RegistrationState.WAITLISTED
    before = None
    if existing_id is None:
        registration = Registration(workshop=locked, user=user, created_at=now)
    else:
        registration = Registration.objects.select_for_update().get(pk=existing_id)
        if registration.state in LIVE_STATES:
            raise RegistrationError(_("You are already registered for this workshop."))
        before = {"state": registration.state}
        if state not in REGISTRATION_TRANSITIONS[registration.state]:
            raise RegistrationError(_("This registration cannot change now."))
    registration.workshop = locked
    registration.user = user
    registration.project = project
    registration.seat = seat
    registration.state = state
    registration.cancelled_at = None
    registration.checked_in_at = None
    if state == RegistrationState.CONFIRMED:
        registration.confirmed_at = now
        registration.waitlisted_at = None
        registration.ics_sequence_sent = locked.sequence
    else:
        registration.confirmed_at = None
        registration.waitlisted_at = now
    registration.save()
    record_event(
        "workshop.registered"
        if state == RegistrationState.CONFIRMED
        else "workshop.waitlisted",
        actor=user,
        target=registration,
        before=before,
        after={"state": state, "seat": seat},
        data={"workshop": locked.slug},
    )
    if state == RegistrationState.CONFIRMED:
        emails.queue_prepared(
            prepared[state], key=emails.confirmation_key(registration)
        )
    else:
        emails.queue_prepared(
            prepared[state],
            key=emails.waitlisted_key(registration),
            position=waiting + 1,
        )
    return registration


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
        registration.save(update_fields=["state", "cancelled_at"])
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
    an overlapping workshop (they stay on the list). Returns the promoted."""
    now = now or timezone.now()
    promoted = []
    with transaction.atomic():
        if not locked:
            workshop = _lock(workshop)
        if workshop.state != WorkshopState.PUBLISHED or now >= workshop.starts_at:
            return promoted
        counts = confirmed_counts(workshop)
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
            registration.save(
                update_fields=["state", "confirmed_at", "ics_sequence_sent"]
            )
            counts[registration.seat] = counts.get(registration.seat, 0) + 1
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
