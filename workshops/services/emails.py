"""The workshops' emails, all through the outbox, each in its reader's language.

Keys (exactly once each):
``workshop-confirmed:<registration>:<confirmed_at>``,
``workshop-waitlisted:<registration>:<waitlisted_at>``,
``workshop-promoted:<registration>:<confirmed_at>``,
``workshop-registration-cancelled:<registration>:<cancelled_at>``,
``workshop-updated:<registration>:<sequence>``,
``workshop-cancelled:<registration>``,
``workshop-reminder:<registration>:<offset>``,
``workshop-invitation:<invitation>:<user>``.
"""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.services.emails import email_language
from portal.outbox.enums import EmailKind
from portal.outbox.services import queue_email

from .calendar import cancellation_ics, invitation_ics, workshop_url


def stamp(moment):
    """A moment as it appears in an outbox key (UTC, to the microsecond)."""
    if not moment:
        return "0"
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")


_stamp = stamp


def my_workshops_url():
    return settings.SITE_URL + reverse("workshops:my_workshops")


SUBJECTS = {
    "confirmed": lambda: _("[OpenBatignolles] Registration confirmed: %(title)s"),
    "waitlisted": lambda: _("[OpenBatignolles] On the waiting list: %(title)s"),
    "promoted": lambda: _("[OpenBatignolles] A seat is yours: %(title)s"),
    "registration_cancelled": lambda: _(
        "[OpenBatignolles] Registration cancelled: %(title)s"
    ),
    "updated": lambda: _("[OpenBatignolles] Workshop changed: %(title)s"),
    "cancelled": lambda: _("[OpenBatignolles] Workshop cancelled: %(title)s"),
    "reminder": lambda: _("[OpenBatignolles] Reminder: %(title)s"),
    "invitation": lambda: _("[OpenBatignolles] Your team is invited: %(title)s"),
}


def _render(template, user, workshop, **extra):
    language = email_language(user)
    with translation.override(language), timezone.override("Europe/Paris"):
        subject = SUBJECTS[template]() % {"title": workshop.display_title}
        body = render_to_string(
            f"email/workshops/{template}.txt",
            {
                "user": user,
                "workshop": workshop,
                "url": workshop_url(workshop),
                "my_workshops_url": my_workshops_url(),
                "invitations_url": settings.SITE_URL + reverse("workshops:invitations"),
                **extra,
            },
        ).strip()
    return language, subject, body


def queue_workshop_email(template, *, key, user, workshop, attachments=(), **extra):
    language, subject, body = _render(template, user, workshop, **extra)
    return queue_email(
        key=key,
        kind=EmailKind.WORKSHOP,
        to=user.email,
        subject=subject,
        body=body,
        language=language,
        about=workshop.slug,
        attachments=attachments,
    )


def queue_confirmation(registration, *, promoted=False):
    template = "promoted" if promoted else "confirmed"
    return queue_workshop_email(
        template,
        key=f"workshop-{template}:{registration.pk}:{_stamp(registration.confirmed_at)}",
        user=registration.user,
        workshop=registration.workshop,
        registration=registration,
        attachments=[invitation_ics(registration.workshop)],
    )


def queue_waitlisted(registration, *, position):
    return queue_workshop_email(
        "waitlisted",
        key=f"workshop-waitlisted:{registration.pk}:{_stamp(registration.waitlisted_at)}",
        user=registration.user,
        workshop=registration.workshop,
        registration=registration,
        position=position,
    )


def queue_registration_cancelled(registration, *, was_confirmed):
    attachments = [cancellation_ics(registration.workshop)] if was_confirmed else []
    return queue_workshop_email(
        "registration_cancelled",
        key=(
            f"workshop-registration-cancelled:{registration.pk}:"
            f"{_stamp(registration.cancelled_at)}"
        ),
        user=registration.user,
        workshop=registration.workshop,
        registration=registration,
        attachments=attachments,
    )


def queue_updated(registration, *, changes):
    workshop = registration.workshop
    return queue_workshop_email(
        "updated",
        key=f"workshop-updated:{registration.pk}:{workshop.sequence}",
        user=registration.user,
        workshop=workshop,
        registration=registration,
        changes=changes,
        attachments=[invitation_ics(workshop)],
    )


def queue_cancelled(registration):
    workshop = registration.workshop
    return queue_workshop_email(
        "cancelled",
        key=f"workshop-cancelled:{registration.pk}",
        user=registration.user,
        workshop=workshop,
        registration=registration,
        attachments=[invitation_ics(workshop)],
    )


def queue_reminder(registration, *, offset):
    return queue_workshop_email(
        "reminder",
        key=f"workshop-reminder:{registration.pk}:{offset}",
        user=registration.user,
        workshop=registration.workshop,
        registration=registration,
        offset=offset,
    )


def queue_invitation(invitation, user):
    return queue_workshop_email(
        "invitation",
        key=f"workshop-invitation:{invitation.pk}:{user.pk}",
        user=user,
        workshop=invitation.workshop,
        invitation=invitation,
        project=invitation.project,
    )
