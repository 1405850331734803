"""The emails of a key's life (rotated, revoked, reported as leaked), to the
team of its grant's project, each person in their language, through the
outbox. An email names the key by its name and id (``obk_<id>_…``), never by
the key itself."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.outbox.enums import EmailKind
from portal.outbox.services import one_line, queue_email

from .selectors import grant_email_recipients

EVENTS = ("rotated", "revoked", "reported")


def queue_key_emails(key, event, *, old_expires_at=None, new_key=None):
    """Queue the ``event`` email of ``key`` to every member of its team; the
    outbox key (key, event, person) makes each one sent once."""
    assert event in EVENTS
    grant = key.grant
    for person in grant_email_recipients(grant):
        language = (person.language or settings.LANGUAGE_CODE)[:2]
        with translation.override(language):
            context = {
                "key": key,
                "new_key": new_key,
                "project": grant.project_name,
                "person": person,
                "old_until": timezone.localtime(old_expires_at)
                if old_expires_at
                else None,
                "url": settings.SITE_URL + reverse("access:access_list"),
                "contact": settings.PORTAL_CONTACT_EMAIL,
            }
            subject = render_to_string(f"email/api_key_{event}_subject.txt", context)
            body = render_to_string(f"email/api_key_{event}_body.txt", context)
        queue_email(
            key=f"api-key:{key.pk}:{event}:{person.pk}",
            kind=EmailKind.API_KEY,
            to=person.email,
            subject=one_line(subject),
            body=body,
            language=language,
            about=grant.project_name,
        )
