"""API keys: their format, and how a presented key becomes what it may read.

A key reads ``obk_<prefix>_<secret>``: the prefix (8 hex digits) names it in
lists and logs, the secret (32 URL-safe characters, 192 random bits) is shown
once. The database keeps the SHA-256 digest of the whole key, never the key: a
fast hash is enough for a random secret of that length (a slow password hash
protects guessable passwords, and would cost milliseconds on every request).

On the API's hot path a key is resolved from Redis (``api-key:v1:<digest>``,
a few minutes), fetched in the same round trip as the rate-limit counter and
the response cache. Every service that changes what a key may read (revoking
a key or a grant, changing a grant's datasets or expiry, erasing a holder)
deletes that entry when its transaction commits, so a revocation takes effect
on the next request; expiry is checked on every request against the instant
stored in the entry.
"""

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from django.db import transaction

from datasets.api import fastcache

TOKEN_PREFIX = "obk_"
TOKEN_RE = re.compile(r"^obk_([0-9a-f]{8})_([A-Za-z0-9_-]{32})$")
CACHE_PREFIX = "api-key:v1:"
CACHE_SECONDS = 300
# An unknown or revoked key is remembered too, so that a client hammering
# with a dead key costs no query per request.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class KeyAccess:
    """What a valid key may read, as cached."""

    key_id: int
    grant_id: int
    holder_id: int
    datasets: frozenset
    expires_at: float  # the earlier of the key's and the grant's expiry

    def is_valid(self, now=None):
        return self.expires_at > (time.time() if now is None else now)


def new_token():
    """Return ``(token, prefix, digest)`` for a new key."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(24)
    token = f"{TOKEN_PREFIX}{prefix}_{secret}"
    return token, prefix, digest_of(token)


def digest_of(token):
    return hashlib.sha256(token.encode()).hexdigest()


def is_well_formed(token):
    return bool(TOKEN_RE.match(token))


def presented(request):
    """``(token, digest)`` of the key a request carries: ``(None, None)``
    without one, ``("", None)`` for a malformed one. Read once per request
    (the throttle, the meter and the access check all ask).

    Keys come in ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; never
    in the query string, which ends up in logs and browser histories.
    """
    raw = getattr(request, "_request", request)  # DRF's Request wraps Django's
    memo = getattr(raw, "_api_key_presented", None)
    if memo is None:
        token = _token_in(raw.META)
        memo = (token, digest_of(token) if token else None)
        raw._api_key_presented = memo
    return memo


def presented_token(request):
    return presented(request)[0]


def _token_in(meta):
    header = meta.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            value = value.strip()
            return value if is_well_formed(value) else ""
    value = meta.get("HTTP_X_API_KEY", "")
    if value:
        value = value.strip()
        return value if is_well_formed(value) else ""
    return None


def cache_key(digest):
    return CACHE_PREFIX + digest


def load_access(digest):
    """Read the key of ``digest`` from the database: KeyAccess, or None when it
    is unknown, revoked, expired, or its grant or holder is no longer active."""
    from .models import ApiKey

    key = (
        ApiKey.objects.filter(
            digest=digest,
            revoked_at__isnull=True,
            grant__revoked_at__isnull=True,
            grant__suspended_at__isnull=True,
            grant__holder__is_active=True,
        )
        .select_related("grant")
        .first()
    )
    if key is None:
        return None
    expires_at = min(key.expires_at, key.grant.expires_at).timestamp()
    access = KeyAccess(
        key_id=key.pk,
        grant_id=key.grant_id,
        holder_id=key.grant.holder_id,
        datasets=frozenset(key.grant.datasets.values_list("slug", flat=True)),
        expires_at=expires_at,
    )
    return access if access.is_valid() else None


def access_from_cached(digest, cached):
    """Turn the cached entry of ``digest`` (or None on a miss) into KeyAccess or
    None, reading the database and filling the cache on a miss."""
    if cached is None:
        access = load_access(digest)
        fastcache.set(cache_key(digest), access or UNKNOWN, CACHE_SECONDS)
        return access
    if isinstance(cached, KeyAccess) and cached.is_valid():
        return cached
    return None


def forget(digests):
    """Drop the cached entries of these keys once the transaction commits."""
    digests = list(digests)
    if not digests:
        return

    def drop():
        for digest in digests:
            fastcache.delete(cache_key(digest))

    transaction.on_commit(drop)
