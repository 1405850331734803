"""API keys: their format, and how a presented key becomes what it may read.

The format (documented in docs/api-keys.md)::

    obk_<id>_<secret><checksum>
    ^obk_([0-9a-f]{8})_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$

- ``obk_``: a fixed prefix, so that secret scanners recognise a leaked key;
- ``<id>`` (8 hex digits, the key's ``prefix`` column) names it in lists, logs
  and emails;
- ``<secret>``: 32 base62 characters (190 random bits), shown once;
- ``<checksum>``: the CRC32 of everything before it, in 6 base62 digits (as
  GitHub's tokens), so that a mistyped or invented key is refused without a
  database or Redis lookup.

The database keeps the SHA-256 digest of the whole key, never the key: a fast
hash is enough for a random secret of that length (a slow password hash
protects guessable passwords, and would cost milliseconds on every request).

Keys issued before the checksum (``obk_<8 hex>_<32 URL-safe characters>``)
keep working until they expire or are rotated, while
``API_ACCEPT_LEGACY_KEYS`` is on (the default); they have no checksum, so a
mistyped one costs a lookup, counted against the caller's address.

On the API's hot path a key is resolved from Redis (``api-key:v2:<digest>``,
a few minutes), fetched in the same round trip as the rate-limit counters and
the response cache. Every service that changes what a key may read (revoking
a key or a grant, changing a grant's datasets, expiry or limits, suspending
it, erasing a holder) deletes that entry when its transaction commits, so it
takes effect on the next request; expiry is checked on every request against
the instant stored in the entry. A dead key is cached too, with the reason
it is refused (``revoked``, ``unknown``...), so that a client hammering with
it costs no query and learns why.
"""

import hashlib
import ipaddress
import re
import secrets
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from datasets.api import fastcache

TOKEN_PREFIX = "obk_"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SECRET_LENGTH = 32
CHECKSUM_LENGTH = 6
TOKEN_PATTERN = r"^obk_([0-9a-f]{8})_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$"
TOKEN_RE = re.compile(TOKEN_PATTERN)
LEGACY_TOKEN_RE = re.compile(r"^obk_([0-9a-f]{8})_([A-Za-z0-9_-]{32})$")
# Anything that looks like one of our keys, wherever it is pasted (scanners,
# the log filter, the leak form).
ANY_TOKEN_RE = re.compile(r"obk_[0-9a-f]{8}_[0-9A-Za-z_-]{32,38}")
CACHE_PREFIX = "api-key:v2:"
CACHE_SECONDS = 300

# Why a key is refused (the ``code`` of the JSON answer).
MALFORMED = "key_malformed"
BAD_CHECKSUM = "key_bad_checksum"
IN_QUERY = "key_in_query_string"
UNKNOWN = "key_unknown"
REVOKED = "key_revoked"
EXPIRED = "key_expired"
SUSPENDED = "grant_suspended"
OUTSIDE_NETWORKS = "key_outside_ip_ranges"
DEAD_STATES = (UNKNOWN, REVOKED, SUSPENDED)
# Query parameters that must never carry a key.
QUERY_NAMES = ("key", "api_key", "apikey", "token", "access_token")


@dataclass(frozen=True)
class KeyAccess:
    """What a valid key may read, as cached."""

    key_id: int
    grant_id: int
    holder_id: int
    datasets: frozenset
    expires_at: float  # the earlier of the key's and the grant's expiry
    networks: tuple = ()  # ip_network objects; empty: any address
    per_minute: int = 0  # 0: no limit of the grant
    per_day: int = 0
    prefix: str = ""

    def is_valid(self, now=None):
        return self.expires_at > (time.time() if now is None else now)

    def allows_address(self, address):
        if not self.networks:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def base62(number, width):
    digits = []
    for _n in range(width):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits))


def checksum(body):
    """The 6 base62 digits of the CRC32 of ``body`` (``obk_<id>_<secret>``)."""
    return base62(zlib.crc32(body.encode()), CHECKSUM_LENGTH)


def new_token():
    """Return ``(token, prefix, digest)`` for a new key."""
    prefix = secrets.token_hex(4)
    secret = "".join(secrets.choice(BASE62) for _n in range(SECRET_LENGTH))
    body = f"{TOKEN_PREFIX}{prefix}_{secret}"
    token = body + checksum(body)
    return token, prefix, digest_of(token)


def digest_of(token):
    return hashlib.sha256(token.encode()).hexdigest()


def problem_of_token(token):
    """None for a key worth a lookup, else why it is refused at once:
    ``MALFORMED`` or ``BAD_CHECKSUM``. No database, no Redis."""
    match = TOKEN_RE.match(token)
    if match is not None:
        body = token[:-CHECKSUM_LENGTH]
        return None if checksum(body) == match.group(3) else BAD_CHECKSUM
    if LEGACY_TOKEN_RE.match(token) and getattr(
        settings, "API_ACCEPT_LEGACY_KEYS", True
    ):
        return None
    return MALFORMED


def is_well_formed(token):
    return problem_of_token(token) is None


def prefix_of(token):
    """The public id of a well-formed key (what logs and emails may name)."""
    match = TOKEN_RE.match(token) or LEGACY_TOKEN_RE.match(token)
    return match.group(1) if match else ""


def redact(text):
    """``text`` with every key replaced by ``obk_<id>_[redacted]``."""
    return ANY_TOKEN_RE.sub(lambda m: m.group(0)[:13] + "[redacted]", text)


def presented(request):
    """``(token, digest)`` of the key a request carries: ``(None, None)``
    without one, ``("", None)`` for a refused one (malformed, bad checksum,
    or in the query string: ``problem(request)`` says which). Read once per
    request (the throttle, the meter and the access check all ask).

    Keys come in ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; never
    in the query string, which ends up in logs and browser histories.
    """
    return _memo(request)[:2]


def problem(request):
    """Why the presented key is refused before any lookup, or None."""
    return _memo(request)[2]


def _memo(request):
    raw = getattr(request, "_request", request)  # DRF's Request wraps Django's
    memo = getattr(raw, "_api_key_presented", None)
    if memo is None:
        memo = _examine(raw)
        raw._api_key_presented = memo
    return memo


def _examine(raw):
    if _key_in_query(raw):
        return ("", None, IN_QUERY)
    token = _token_in(raw.META)
    if token is None:
        return (None, None, None)
    trouble = problem_of_token(token)
    if trouble is not None:
        return ("", None, trouble)
    return (token, digest_of(token), None)


def _key_in_query(raw):
    query = raw.META.get("QUERY_STRING", "")
    if not query:
        return False
    if "obk_" in query or "obk%5F" in query.lower() or "obk%5f" in query:
        return True
    names = {part.split("=", 1)[0].lower() for part in query.split("&")}
    return bool(names.intersection(QUERY_NAMES))


def presented_token(request):
    return presented(request)[0]


def _token_in(meta):
    header = meta.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
    value = meta.get("HTTP_X_API_KEY", "")
    if value:
        return value.strip()
    return None


def cache_key(digest):
    return CACHE_PREFIX + digest


def load_access(digest):
    """Read the key of ``digest`` from the database: KeyAccess, or the reason
    it is refused (``UNKNOWN``, ``REVOKED``, ``SUSPENDED``, ``EXPIRED``)."""
    from .models import ApiKey

    key = (
        ApiKey.objects.filter(digest=digest)
        .select_related("grant", "grant__holder")
        .first()
    )
    if key is None:
        return UNKNOWN
    grant = key.grant
    if (
        key.revoked_at is not None
        or grant.revoked_at is not None
        or not grant.holder.is_active
    ):
        return REVOKED
    if grant.suspended_at is not None:
        return SUSPENDED
    expires_at = min(key.expires_at, grant.expires_at).timestamp()
    if expires_at <= time.time():
        return EXPIRED
    granted = set(grant.datasets.values_list("slug", flat=True))
    chosen = set(key.datasets.values_list("slug", flat=True))
    networks = []
    for text in key.allowed_networks or ():
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            continue
    if key.allowed_networks and not networks:
        # Every range unreadable: no address may use the key, not any.
        networks.append(ipaddress.ip_network("0.0.0.0/32"))
    return KeyAccess(
        key_id=key.pk,
        grant_id=key.grant_id,
        holder_id=grant.holder_id,
        datasets=frozenset(granted & chosen if chosen else granted),
        expires_at=expires_at,
        networks=tuple(networks),
        per_minute=grant.requests_per_minute or 0,
        per_day=grant.requests_per_day or 0,
        prefix=key.prefix,
    )


def access_from_cached(digest, cached):
    """Turn the cached entry of ``digest`` (or None on a miss) into KeyAccess
    or a refusal code, reading the database and filling the cache on a miss.
    """
    if cached is None:
        access = load_access(digest)
        fastcache.set(cache_key(digest), access, CACHE_SECONDS)
        return access
    if isinstance(cached, KeyAccess) and not cached.is_valid():
        return EXPIRED
    return cached


def forget(digests):
    """Drop the cached entries of these keys once the transaction commits."""
    digests = list(digests)
    if not digests:
        return

    def drop():
        for digest in digests:
            fastcache.delete(cache_key(digest))

    transaction.on_commit(drop)
