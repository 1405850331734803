"""Emails from the organisers to a workshop's participants, through the outbox.

A message is identified by its workshop, subject and body: the idempotency key
of each email is that message's fingerprint plus the recipient, so sending the
same message twice (a double click, a retry) queues nothing more, while a
corrected message goes out as a new one.
"""

import hashlib

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications.services.emails import email_language, outbox_key
from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.models import OutgoingEmail
from portal.outbox.services import queue_email

from ..enums import RegistrationState

SUBJECT_MAX = 200
BODY_MAX = 10_000


class Recipients:
    CONFIRMED = "confirmed"
    WITH_WAITLIST = "with_waitlist"
    CHOICES = [
        (CONFIRMED, _("Confirmed participants")),
        (WITH_WAITLIST, _("Confirmed participants and the waiting list")),
    ]


class MessageError(Exception):
    """A message the service refuses (its text is shown to the organiser)."""


def message_recipients(workshop, recipients):
    """The active users a message to ``workshop``'s ``recipients`` reaches,
    confirmed first, then the waiting list in its order; one per address."""
    states = [RegistrationState.CONFIRMED]
    if recipients == Recipients.WITH_WAITLIST:
        states.append(RegistrationState.WAITLISTED)
    registrations = (
        workshop.registrations.filter(state__in=states, user__is_active=True)
        .select_related("user")
        .order_by("state", "waitlisted_at", "confirmed_at", "id")
    )
    users, seen = [], set()
    for registration in registrations:
        address = registration.user.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            users.append(registration.user)
    return users


def message_fingerprint(workshop, *, subject, body):
    text = f"{workshop.pk}\n{subject.strip()}\n{body.strip()}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def email_participants(workshop, *, subject, body, recipients, actor):
    """Queue the message (``subject``, ``body``) to ``workshop``'s
    ``recipients`` (a ``Recipients`` value); return how many emails were
    newly queued (0 when the same message already went to everyone)."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise MessageError(_("Write a subject and a message."))
    if len(subject) > SUBJECT_MAX or len(body) > BODY_MAX:
        raise MessageError(_("The subject or the message is too long."))
    if recipients not in {Recipients.CONFIRMED, Recipients.WITH_WAITLIST}:
        raise MessageError(_("Choose who receives the message."))
    fingerprint = message_fingerprint(workshop, subject=subject, body=body)
    with transaction.atomic():
        users = message_recipients(workshop, recipients)
        keys = {
            user.pk: outbox_key(f"workshop-message:{fingerprint}", user.email)
            for user in users
        }
        already = set(
            OutgoingEmail.objects.filter(idempotency_key__in=keys.values()).values_list(
                "idempotency_key", flat=True
            )
        )
        for user in users:
            queue_email(
                key=keys[user.pk],
                kind=EmailKind.WORKSHOP,
                to=user.email,
                subject=subject,
                body=body,
                language=email_language(user),
                about=workshop.title,
            )
        queued = len(set(keys.values()) - already)
        record_event(
            "workshop.participants_emailed",
            actor=actor,
            target=workshop,
            data={
                "subject": subject,
                "recipients": recipients,
                "reached": len(users),
                "queued": queued,
                "fingerprint": fingerprint,
            },
        )
    return queued
