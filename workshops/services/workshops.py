"""Defining workshops in the back office: create, edit, publish, cancel; rooms.

Every change bumps ``Workshop.sequence`` and ``updated_at`` (the iCalendar
SEQUENCE). A change of time or place sends the confirmed participants an
updated invitation; cancelling sends a METHOD:CANCEL to everyone registered.
``FacilitatorBooking`` rows copy the workshop's times and state so that the
exclusion constraint refuses a facilitator booked twice at the same time.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_event

from ..enums import WORKSHOP_TRANSITIONS, RegistrationState, WorkshopState
from ..models import FacilitatorBooking, Workshop
from . import emails
from .registration import promote_waiting


class WorkshopError(ValidationError):
    """A change to a workshop that is not allowed (translated message)."""


ROOM_TAKEN = "workshop_room_not_double_booked"
FACILITATOR_TAKEN = "facilitator_not_double_booked"
# Fields whose change matters to the participants' calendars.
TIME_AND_PLACE = ("starts_at", "ends_at", "room_id", "format", "online_url")


def room_taken_message():
    return _("This room is already booked for another workshop at that time.")


def facilitator_taken_message():
    return _("This facilitator already leads another workshop at that time.")


def _constraint_of(error):
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


def _translate_integrity(error):
    name = _constraint_of(error) or str(error)
    if ROOM_TAKEN in name:
        return WorkshopError({"room": room_taken_message()})
    if FACILITATOR_TAKEN in name:
        return WorkshopError({"facilitators": facilitator_taken_message()})
    return None


def _sync_facilitators(workshop, facilitators):
    """Make the bookings of ``workshop`` match ``facilitators`` (a list of
    users), with its current times and state."""
    active = workshop.state != WorkshopState.CANCELLED
    wanted = {user.pk for user in facilitators}
    FacilitatorBooking.objects.filter(workshop=workshop).exclude(
        facilitator_id__in=wanted
    ).delete()
    existing = set(
        FacilitatorBooking.objects.filter(workshop=workshop).values_list(
            "facilitator_id", flat=True
        )
    )
    FacilitatorBooking.objects.filter(workshop=workshop).update(
        starts_at=workshop.starts_at, ends_at=workshop.ends_at, active=active
    )
    FacilitatorBooking.objects.bulk_create(
        FacilitatorBooking(
            workshop=workshop,
            facilitator_id=pk,
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            active=active,
        )
        for pk in sorted(wanted - existing)
    )


def _save_guarded(workshop, facilitators, **save_kwargs):
    """Save ``workshop`` and its bookings in a savepoint; an exclusion
    constraint's refusal becomes a ``WorkshopError`` on the right field."""
    try:
        with transaction.atomic():
            workshop.save(**save_kwargs)
            if facilitators is not None:
                _sync_facilitators(workshop, facilitators)
            else:
                FacilitatorBooking.objects.filter(workshop=workshop).update(
                    starts_at=workshop.starts_at,
                    ends_at=workshop.ends_at,
                    active=workshop.state != WorkshopState.CANCELLED,
                )
    except IntegrityError as error:
        translated = _translate_integrity(error)
        if translated is None:
            raise
        raise translated from error


def create_workshop(workshop, *, facilitators=(), actor, now=None):
    """Save the new (unsaved) ``workshop`` as a draft with its facilitators."""
    now = now or timezone.now()
    with transaction.atomic():
        workshop.state = WorkshopState.DRAFT
        workshop.sequence = 0
        workshop.created_at = now
        workshop.updated_at = now
        _save_guarded(workshop, list(facilitators))
        record_event(
            "workshop.created",
            actor=actor,
            target=workshop,
            after={
                "title": workshop.title,
                "starts_at": workshop.starts_at.isoformat(),
            },
        )
    return workshop


def update_workshop(workshop, *, facilitators=None, actor, now=None):
    """Save the edited ``workshop`` (its fields already changed in memory).

    Bumps the sequence; when the time or the place changed, emails the
    confirmed participants an updated invitation. A larger capacity promotes
    waiting people. Returns the list of changed field names.
    """
    now = now or timezone.now()
    with transaction.atomic():
        stored = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if stored.state == WorkshopState.CANCELLED:
            raise WorkshopError(_("A cancelled workshop can no longer be changed."))
        changed = [
            field.attname
            for field in Workshop._meta.concrete_fields
            if field.attname
            not in (
                "sequence",
                "updated_at",
                "state",
                "taken_project_seats",
                "taken_resident_seats",
            )
            and getattr(stored, field.attname) != getattr(workshop, field.attname)
        ]
        old_facilitators = set(
            stored.facilitator_bookings.values_list("facilitator_id", flat=True)
        )
        if (
            facilitators is not None
            and {u.pk for u in facilitators} != old_facilitators
        ):
            changed.append("facilitators")
        if not changed:
            return changed
        workshop.state = stored.state
        # The seat counters move under the row lock only: the edited copy's
        # (read before the lock) would undo registrations made meanwhile.
        workshop.taken_project_seats = stored.taken_project_seats
        workshop.taken_resident_seats = stored.taken_resident_seats
        workshop.sequence = stored.sequence + 1
        workshop.updated_at = now
        _save_guarded(workshop, facilitators)
        record_event(
            "workshop.updated",
            actor=actor,
            target=workshop,
            data={"changed": changed, "sequence": workshop.sequence},
        )
        moved = [name for name in TIME_AND_PLACE if name in changed]
        if moved and workshop.state == WorkshopState.PUBLISHED:
            for registration in workshop.registrations.filter(
                state=RegistrationState.CONFIRMED
            ).select_related("user", "workshop__room"):
                registration.workshop = workshop
                emails.queue_updated(registration, changes=moved)
            workshop.registrations.filter(state=RegistrationState.CONFIRMED).update(
                ics_sequence_sent=workshop.sequence
            )
        if (
            "capacity" in changed
            or "project_seats" in changed
            or ("resident_seats" in changed)
        ):
            promote_waiting(workshop, now=now, locked=True)
    return changed


def _move(workshop, target, *, actor, now, verb):
    with transaction.atomic():
        stored = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if target not in WORKSHOP_TRANSITIONS[WorkshopState(stored.state)]:
            raise WorkshopError(
                _("A workshop in the state “%(state)s” cannot become “%(target)s”.")
                % {
                    "state": stored.get_state_display(),
                    "target": WorkshopState(target).label,
                }
            )
        before = stored.state
        stored.state = target
        stored.sequence += 1
        stored.updated_at = now
        _save_guarded(stored, None, update_fields=["state", "sequence", "updated_at"])
        record_event(
            verb,
            actor=actor,
            target=stored,
            before={"state": before},
            after={"state": target},
        )
    workshop.state, workshop.sequence, workshop.updated_at = (
        stored.state,
        stored.sequence,
        stored.updated_at,
    )
    return stored


def publish_workshop(workshop, *, actor, now=None):
    """Publish a draft: it appears on the agenda and opens to registration."""
    return _move(
        workshop,
        WorkshopState.PUBLISHED,
        actor=actor,
        now=now or timezone.now(),
        verb="workshop.published",
    )


def cancel_workshop(workshop, *, actor, now=None):
    """Cancel ``workshop``: frees its room and facilitators, and sends a
    METHOD:CANCEL to everyone confirmed or waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        stored = _move(
            workshop,
            WorkshopState.CANCELLED,
            actor=actor,
            now=now,
            verb="workshop.cancelled",
        )
        for registration in stored.registrations.filter(
            state__in=(RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)
        ).select_related("user"):
            registration.workshop = stored
            emails.queue_cancelled(registration)
    return stored


ROOM_FIELDS = ("name", "address", "capacity", "accessibility")


def create_room(room, *, actor):
    """Save the new (unsaved) ``room``; audited."""
    with transaction.atomic():
        room.save()
        record_event(
            "workshop.room_created",
            actor=actor,
            target=room,
            after={name: getattr(room, name) for name in ROOM_FIELDS},
        )
    return room


def update_room(room, *, actor):
    """Save the edited ``room`` (its fields changed in memory); audited with
    the fields before and after. Returns the names of the changed fields."""
    from ..models import Room

    with transaction.atomic():
        stored = Room.objects.select_for_update().get(pk=room.pk)
        changed = [
            name for name in ROOM_FIELDS if getattr(stored, name) != getattr(room, name)
        ]
        if not changed:
            return changed
        room.save(update_fields=changed)
        record_event(
            "workshop.room_updated",
            actor=actor,
            target=room,
            before={name: getattr(stored, name) for name in changed},
            after={name: getattr(room, name) for name in changed},
        )
    return changed
