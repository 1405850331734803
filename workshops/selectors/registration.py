"""Reads of the workshops: what a person may see, who attends."""

from django.db.models import Count, Q
from django.utils import timezone

from portal.accounts.permissions import is_organiser

from ..enums import RegistrationState, WorkshopState
from ..models import Registration, Room, Workshop


def with_seat_counts(workshops):
    return workshops.annotate(
        confirmed_count=Count(
            "registrations",
            filter=Q(registrations__state=RegistrationState.CONFIRMED),
        ),
        waitlisted_count=Count(
            "registrations",
            filter=Q(registrations__state=RegistrationState.WAITLISTED),
        ),
    )


def rooms_with_bookings(*, now=None):
    """The rooms, by name, each with ``upcoming_count``: its workshops not yet
    over and not cancelled (one query)."""
    now = now or timezone.now()
    return Room.objects.annotate(
        upcoming_count=Count(
            "workshops",
            filter=Q(workshops__ends_at__gt=now)
            & ~Q(workshops__state=WorkshopState.CANCELLED),
        )
    ).order_by("name", "id")


def workshops_visible_to(user):
    """Published and cancelled workshops for everyone; drafts for organisers."""
    workshops = Workshop.objects.select_related("room", "demoday")
    if is_organiser(user):
        return workshops
    return workshops.exclude(state=WorkshopState.DRAFT)


def upcoming_agenda(user, *, now):
    return with_seat_counts(
        workshops_visible_to(user)
        .filter(ends_at__gt=now)
        .exclude(state=WorkshopState.DRAFT)
        .order_by("starts_at", "id")
    )


def participants_of(workshop):
    """The confirmed registrations of ``workshop``, users and Projects joined."""
    return (
        Registration.objects.filter(
            workshop=workshop, state=RegistrationState.CONFIRMED
        )
        .select_related("user", "project")
        .order_by("confirmed_at", "id")
    )


def registrations_of(user):
    """A person's registrations, the workshops joined, soonest first."""
    return (
        Registration.objects.filter(user=user)
        .select_related("workshop", "workshop__room")
        .order_by("workshop__starts_at", "id")
    )


def waitlist_positions(registrations):
    """{registration id: position} for the waiting ones, in one query."""
    waiting = [r for r in registrations if r.state == RegistrationState.WAITLISTED]
    if not waiting:
        return {}
    rows = (
        Registration.objects.filter(
            workshop_id__in={r.workshop_id for r in waiting},
            state=RegistrationState.WAITLISTED,
        )
        .order_by("workshop_id", "waitlisted_at", "id")
        .values_list("id", "workshop_id")
    )
    positions, counters = {}, {}
    for pk, workshop_id in rows:
        counters[workshop_id] = counters.get(workshop_id, 0) + 1
        positions[pk] = counters[workshop_id]
    return {r.pk: positions.get(r.pk) for r in waiting}
