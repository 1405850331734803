"""Personal data held by data access: the grants a user holds and their keys.

``export_for(user)`` and ``erase_for(user)`` serve the portal's GDPR export and
erasure (the accounts app calls them).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import keys
from .models import ApiKey, CharterSignature, DataGrant


def export_for(user):
    """Return the grants ``user`` holds, with their keys (names and prefixes,
    never a secret), as plain data: ``{"data_access": [...]}``."""
    grants = (
        DataGrant.objects.filter(holder=user)
        .select_related("project")
        .prefetch_related("datasets", "keys")
    )
    signatures = CharterSignature.objects.filter(signer=user).select_related(
        "charter", "project"
    )
    return {
        "charter_signatures": [
            {
                "project": signature.project.name,
                "charter_version": signature.charter.version,
                "signer_name": signature.signer_name,
                "signed_at": signature.signed_at.isoformat(),
            }
            for signature in signatures
        ],
        "data_access": [
            {
                "project": grant.project_name,
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
    }


def _iso(value):
    return value.isoformat() if value else None


@transaction.atomic
def erase_for(user):
    """Revoke the data access and keys ``user`` holds, and blank the names
    they gave keys; return how many.

    Grants and keys stay, revoked, for the record of who read fine data (they
    name a project, not a person); their cached records are dropped on commit.
    """
    now = timezone.now()
    grants = DataGrant.objects.filter(holder=user, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason="account erased"
    )
    user_keys = ApiKey.objects.filter(grant__holder=user)
    revoked = user_keys.filter(revoked_at__isnull=True).update(revoked_at=now)
    keys.forget(user_keys.values_list("digest", flat=True))
    # A key's name is the person's words ("Léa's laptop"): it goes too.
    renamed = ApiKey.objects.filter(Q(grant__holder=user) | Q(created_by=user)).update(
        name="—"
    )
    # The Project's signature stays (its keys rest on it); the person goes.
    signatures = CharterSignature.objects.filter(signer=user).update(
        signer=None, signer_name="—"
    )
    return {
        "data_grants_revoked": grants,
        "api_keys_revoked": revoked,
        "charter_signatures_anonymised": signatures,
        "api_keys_renamed": renamed,
    }
