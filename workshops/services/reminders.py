"""Reminders before a workshop, at its ``reminder_offsets`` (minutes before).

The beat task runs every few minutes and sends, for each confirmed person,
the latest reminder that has fallen due, once (outbox key
``workshop-reminder:<registration>:<offset>``). A reminder that fell due
before the person was confirmed is never sent (registering an hour before does
not bring the 7-day reminder), and an older reminder is dropped once a newer
one is due (a worker down for a day sends one reminder, not three).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.outbox.models import OutgoingEmail

from ..enums import RegistrationState, WorkshopState
from ..models import Registration, Workshop
from . import emails

# The largest offset the model accepts: 60 days.
LOOKAHEAD = datetime.timedelta(days=60)


def due_offset(workshop, *, now):
    """The offset (minutes) of the latest reminder due at ``now``, or None."""
    due = [
        offset
        for offset in workshop.reminder_offsets or ()
        if workshop.starts_at - datetime.timedelta(minutes=offset) <= now
    ]
    return min(due) if due else None


def send_due_reminders(*, now=None):
    """Queue every reminder due at ``now``; return how many were queued anew."""
    now = now or timezone.now()
    queued = 0
    workshops = Workshop.objects.filter(
        state=WorkshopState.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + LOOKAHEAD,
    ).select_related("room")
    for workshop in workshops:
        offset = due_offset(workshop, now=now)
        if offset is None:
            continue
        due_at = workshop.starts_at - datetime.timedelta(minutes=offset)
        registrations = Registration.objects.filter(
            workshop=workshop,
            state=RegistrationState.CONFIRMED,
            confirmed_at__lte=due_at,
        ).select_related("user")
        keys = {
            registration.pk: f"workshop-reminder:{registration.pk}:{offset}"
            for registration in registrations
        }
        sent = set(
            OutgoingEmail.objects.filter(
                idempotency_key__in=list(keys.values())
            ).values_list("idempotency_key", flat=True)
        )
        for registration in registrations:
            if keys[registration.pk] in sent:
                continue
            registration.workshop = workshop
            with transaction.atomic():
                emails.queue_reminder(registration, offset=offset)
            queued += 1
    return queued
