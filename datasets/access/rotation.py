"""Rotating an API key with an overlap its team chooses (none to 7 days)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_event

from . import keys
from .key_emails import queue_key_emails
from .models import ApiKey

MAX_OVERLAP = timedelta(days=7)
# The choices of the form, in hours (0: the old key stops at once).
OVERLAP_CHOICES_HOURS = (0, 1, 24, 72, 168)
DEFAULT_OVERLAP = timedelta(hours=24)


def rotate_api_key(key, *, actor, overlap=DEFAULT_OVERLAP):
    """Replace an active ``key`` by a new one; return ``(new_key, token)``.

    The new key reads what the old one read (its datasets, its IP ranges, its
    expiry). The old key keeps working for ``overlap`` (from none to 7 days,
    never beyond its own expiry), time to deploy the new one, then stops; with
    no overlap it stops at once. Raises ``ValidationError`` for an overlap out
    of range, a key revoked, expired or already rotated, or an ended or
    suspended grant. Writes ``api_key.rotated`` and emails the team.
    """
    if overlap is None or overlap < timedelta(0) or overlap > MAX_OVERLAP:
        raise ValidationError(_("Choose an overlap between none and 7 days."))
    now = timezone.now()
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().select_related("grant").get(pk=key.pk)
        grant = key.grant
        if not key.is_active(now) or key.replaced_by_id is not None:
            raise ValidationError(_("Only an active key can be rotated."))
        if not grant.is_active(now) or grant.suspended_at is not None:
            raise ValidationError(_("This access has ended: no new key."))
        token, prefix, digest = keys.new_token()
        new_key = ApiKey.objects.create(
            grant=grant,
            name=key.name,
            prefix=prefix,
            digest=digest,
            created_at=now,
            created_by=actor if actor is not None and actor.is_authenticated else None,
            expires_at=key.expires_at,
            allowed_networks=list(key.allowed_networks or []),
        )
        new_key.datasets.set(key.datasets.all())
        key.expires_at = min(key.expires_at, now + overlap)
        key.replaced_by = new_key
        key.save(update_fields=["expires_at", "replaced_by"])
        keys.forget([key.digest])
        record_event(
            "api_key.rotated",
            actor=actor,
            target=key,
            data={
                "prefix": key.prefix,
                "new_prefix": new_key.prefix,
                "overlap_hours": round(overlap.total_seconds() / 3600, 2),
                "old_expires_at": key.expires_at.isoformat(),
            },
        )
        queue_key_emails(key, "rotated", old_expires_at=key.expires_at, new_key=new_key)
    return new_key, token
