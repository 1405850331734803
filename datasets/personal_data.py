"""Personal data held by the datasets app: feedback messages a user wrote,
and the data access grants and API keys a user holds.

``export_for(user)`` and ``erase_for(user)`` serve the portal's GDPR export and
erasure (the accounts app calls them).
"""

from django.db import transaction
from django.utils import timezone

from . import keys
from .models import ApiKey, DataGrant, Feedback


def export_for(user):
    """Return the user's feedback messages as plain data: ``{"feedback": [...]}``."""
    rows = (
        Feedback.objects.filter(author=user)
        .select_related("sensor", "dataset")
        .order_by("created_at")
    )
    grants = DataGrant.objects.filter(holder=user).prefetch_related("datasets", "keys")
    return {
        "data_access": [
            {
                "project": grant.project,
                "datasets": sorted(dataset.slug for dataset in grant.datasets.all()),
                "granted_at": grant.created_at.isoformat(),
                "expires_at": grant.expires_at.isoformat(),
                "revoked_at": _iso(grant.revoked_at),
                "keys": [
                    {
                        "name": key.name,
                        "prefix": key.prefix,
                        "created_at": key.created_at.isoformat(),
                        "expires_at": key.expires_at.isoformat(),
                        "revoked_at": _iso(key.revoked_at),
                    }
                    for key in grant.keys.all()
                ],
            }
            for grant in grants
        ],
        "feedback": [
            {
                "sent_at": row.created_at.isoformat(),
                "sensor": row.sensor.code if row.sensor else None,
                "dataset": row.dataset.slug if row.dataset else None,
                "name": row.name,
                "email": row.email,
                "message": row.message,
                "status": row.status,
            }
            for row in rows
        ],
    }


def _iso(value):
    return value.isoformat() if value else None


@transaction.atomic
def erase_for(user):
    """Delete the feedback messages the user wrote and revoke the user's data
    access and keys; return how many of each.

    The messages themselves are personal (they may name the author), so they
    are deleted rather than anonymised. Grants and keys stay, revoked, for the
    record of who read fine data (they name a project, not a person).
    """
    deleted, _by_model = Feedback.objects.filter(author=user).delete()
    now = timezone.now()
    grants = DataGrant.objects.filter(holder=user, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason="account erased"
    )
    user_keys = ApiKey.objects.filter(grant__holder=user)
    revoked = user_keys.filter(revoked_at__isnull=True).update(revoked_at=now)
    keys.forget(user_keys.values_list("digest", flat=True))
    return {
        "feedback": deleted,
        "data_grants_revoked": grants,
        "api_keys_revoked": revoked,
    }
