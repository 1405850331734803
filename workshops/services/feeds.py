"""Calendar feeds: the public agenda's, and each person's private one behind a
revocable token (``CalendarFeed``)."""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event

from ..enums import RegistrationState, WorkshopState
from ..models import CalendarFeed, Workshop
from .calendar import build_calendar

FEED_PAST_DAYS = 90


def public_feed(*, now=None):
    now = now or timezone.now()
    workshops = (
        Workshop.objects.filter(
            state__in=(WorkshopState.PUBLISHED, WorkshopState.CANCELLED),
            ends_at__gt=now - datetime.timedelta(days=FEED_PAST_DAYS),
        )
        .select_related("room")
        .order_by("starts_at", "id")
    )
    return build_calendar(workshops, name="OpenBatignolles — Agenda")


def private_feed(token, *, now=None):
    """The person's confirmed workshops (and cancelled ones they held), or
    None when the token is unknown or revoked."""
    now = now or timezone.now()
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .only("user_id")
        .first()
    )
    if feed is None:
        return None
    workshops = (
        Workshop.objects.filter(
            registrations__user_id=feed.user_id,
            registrations__state=RegistrationState.CONFIRMED,
            ends_at__gt=now - datetime.timedelta(days=FEED_PAST_DAYS),
        )
        .exclude(state=WorkshopState.DRAFT)
        .select_related("room")
        .order_by("starts_at", "id")
    )
    return build_calendar(workshops, name="OpenBatignolles — Mes ateliers")


def revoke_feeds(user, *, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        count = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if count:
            record_event("workshop.feed_revoked", actor=user, target=user)
    return count


def new_feed(user, *, now=None):
    """Revoke the person's link and give them a new one."""
    now = now or timezone.now()
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=now
        )
        feed = CalendarFeed.objects.create(user=user, created_at=now)
        record_event("workshop.feed_created", actor=user, target=user)
    return feed
