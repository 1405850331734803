"""Rate limits on Redis: per key (the grant's limits), per client address
(anonymous clients, and keys refused before any lookup), per signed-in user.

Fixed windows: counters created with their lifetime by one Lua script
(``fastcache.exchange``), so that twice the limit sent at once lets exactly
the limit through. Every response of the API carries ``RateLimit-Limit``,
``RateLimit-Remaining``, ``RateLimit-Reset`` and ``RateLimit-Policy`` (IETF
draft "RateLimit header fields"); a refused request answers 429 with
``Retry-After``. The client's address comes from ``portal.clientip`` (the
trusted proxies), never from a header the client chose.

``admit(request)`` is the one gate of a request: for a key, in one Redis
round trip, its minute and day counters, its cached record, the caller's
count of refused keys, its usage meter and its last-use flag; then the
refusals (401/403), the limits (429), and 503 when Redis cannot count.
"""

import math
import time

from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from datasets.access import keys, metering
from portal.clientip import client_ip

from . import fastcache

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate):
    """``"600/min"`` -> ``(600, 60)``; an empty rate or ``"none"`` -> None."""
    if not rate or str(rate).strip().lower() in {"none", "off", "0"}:
        return None
    number, _, period = str(rate).strip().partition("/")
    seconds = PERIODS.get(period.strip().lower())
    if seconds is None:
        raise ValueError(f"Unknown rate period in {rate!r}")
    return int(number), seconds


class PortalRateThrottle(BaseThrottle):
    """API keys per key (``API_KEY_RATE``), anonymous clients per IP
    (``API_ANON_RATE``), signed-in users per id (``API_USER_RATE``)."""

    def get_ident(self, request):
        return client_ip(getattr(request, "_request", request)) or "unknown"

    def get_scope(self, request):
        _token, digest = keys.presented(request)
        if digest:
            # Counted by the key's digest, before the key is resolved: the
            # counter and the key's record come in one Redis round trip.
            ident = digest[:32]
            return "key", ident, getattr(settings, "API_KEY_RATE", "")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return "user", str(user.pk), getattr(settings, "API_USER_RATE", "")
        return "anon", self.get_ident(request), getattr(settings, "API_ANON_RATE", "")

    def plan(self, request):
        """The counter to increment for ``request``: (key, timeout) or None."""
        scope, ident, rate = self.get_scope(request)
        parsed = parse_rate(rate)
        if parsed is None:
            return None
        limit, period = parsed
        now = time.time()
        window = int(now // period)
        self._pending = (limit, period, window, now)
        return f"api-throttle:{scope}:{ident}:{window}", period + 1

    def settle(self, request, count):
        """Record the counter's new value; True when the request may go on."""
        limit, period, window, now = self._pending
        reset = max(1, math.ceil((window + 1) * period - now))
        request._ratelimit = {
            "limit": limit,
            "remaining": max(0, limit - count),
            "reset": reset,
            "period": period,
        }
        self._wait = reset
        return count <= limit

    def meter(self, request):
        """The usage counter of the request's key (``meter=``), or None."""
        _token, digest = keys.presented(request)
        return metering.meter_for(digest) if digest else None

    def allow_request(self, request, view):
        admit(request)
        return True

    def wait(self):
        return getattr(self, "_wait", None)


def add_ratelimit_headers(request, response):
    info = getattr(request, "_ratelimit", None)
    if info is None:
        raw = getattr(request, "_request", None)
        info = getattr(raw, "_ratelimit", None)
    if not info:
        return response
    response["RateLimit-Limit"] = str(info["limit"])
    response["RateLimit-Remaining"] = str(info["remaining"])
    response["RateLimit-Reset"] = str(info["reset"])
    response["RateLimit-Policy"] = f"{info['limit']};w={info['period']}"
    return response


def _rate(name, default):
    return parse_rate(getattr(settings, name, default))


def _throttled(request, wait):
    raise Throttled(wait=max(1, math.ceil(wait)))


def _window(now, period):
    window = int(now // period)
    return window, max(1, math.ceil((window + 1) * period - now))


def admit(request, extra_keys=()):
    """Count ``request`` against its limits and check its key; return the
    cached values of ``extra_keys`` read in the same round trip (the
    readings endpoint's cached answer). Memoised on the request.

    Raises KeyRefused (401/403), Throttled (429) or LimiterUnavailable (503).
    """
    raw = getattr(request, "_request", request)
    done = getattr(raw, "_api_admitted", None)
    if isinstance(done, Exception):
        raise done  # the same refusal, counted once
    if done is not None:
        return done
    try:
        values = _admit(request, raw, list(extra_keys))
    except Exception as refusal:
        raw._api_admitted = refusal
        raise
    raw._api_admitted = values
    return values


def _bad_key_counter(raw, now):
    parsed = _rate("API_BAD_KEY_RATE", "30/min")
    limit, period = parsed or (30, 60)
    window, reset = _window(now, period)
    address = client_ip(raw) or "unknown"
    return f"api-badkey:{address}:{window}", period + 1, limit, reset


def _admit(request, raw, extra_keys):
    from .access import KeyRefused, LimiterUnavailable, _remember

    token, digest = keys.presented(request)
    trouble = keys.problem(request)
    now = time.time()
    if token is None:
        return _admit_anonymous(request, extra_keys, now)
    bad_key, bad_timeout, bad_limit, bad_reset = _bad_key_counter(raw, now)
    if trouble is not None:
        # Refused without a lookup, counted against the caller's address.
        if fastcache.incr_soft(bad_key, bad_timeout) > bad_limit:
            _throttled(request, bad_reset)
        raise KeyRefused(trouble)
    minute, minute_reset = _window(now, 60)
    day, day_reset = _window(now, 86400)
    ident = digest[:32]
    counters = [
        (f"api-limit:key:{ident}:m:{minute}", 61),
        (f"api-limit:key:{ident}:d:{day}", 86401),
    ]
    try:
        counts, values, (bad_count,), first_use = fastcache.exchange(
            counters,
            [*extra_keys, keys.cache_key(digest)],
            peek=[bad_key],
            meter=metering.meter_for(digest),
            flag=(f"api-key-used:{ident}", 60),
        )
    except fastcache.Unavailable:
        raise LimiterUnavailable() from None
    entry = values.pop()
    if entry is None and bad_count >= bad_limit:
        # An unknown key from a caller who already sent many: no lookup.
        _throttled(request, bad_reset)
    access = keys.access_from_cached(digest, entry)
    if not isinstance(access, keys.KeyAccess):
        fastcache.incr_soft(bad_key, bad_timeout)
        raise KeyRefused(access)
    if not access.allows_address(client_ip(raw)):
        raise KeyRefused(keys.OUTSIDE_NETWORKS)
    per_minute, per_day = _key_limits(access)
    windows = []
    if per_minute:
        windows.append((per_minute, 60, counts[0], minute_reset))
    if per_day:
        windows.append((per_day, 86400, counts[1], day_reset))
    if windows:
        # The headers describe the window closest to its limit.
        limit, period, count, reset = min(windows, key=lambda w: w[0] - w[2])
        raw._ratelimit = {
            "limit": limit,
            "remaining": max(0, limit - count),
            "reset": reset,
            "period": period,
        }
        over = [w for w in windows if w[2] > w[0]]
        if over:
            _throttled(request, max(w[3] for w in over))
    if first_use:
        _write_last_use(access.key_id)
    _remember(request, "fine", key=access)
    return values


def _key_limits(access):
    """The grant's limits per minute and per day, under the portal's ceiling
    per key (``API_KEY_RATE``, per minute or per day)."""
    per_minute, per_day = access.per_minute, access.per_day
    ceiling = _rate("API_KEY_RATE", "6000/min")
    if ceiling is not None:
        limit, period = ceiling
        if period == 60:
            per_minute = min(per_minute, limit) if per_minute else limit
        elif period == 86400:
            per_day = min(per_day, limit) if per_day else limit
    return per_minute, per_day


def _write_last_use(key_id):
    from datasets.access.models import ApiKey

    ApiKey.objects.filter(pk=key_id).update(last_used_at=timezone.now())


def _admit_anonymous(request, extra_keys, now):
    from .access import LimiterUnavailable

    throttle = PortalRateThrottle()
    planned = throttle.plan(request)
    counters = [planned] if planned is not None else []
    if not counters and not extra_keys:
        return []
    try:
        counts, values, _peeked, _flag = fastcache.exchange(counters, extra_keys)
    except fastcache.Unavailable:
        if counters:
            raise LimiterUnavailable() from None
        return [None] * len(extra_keys)
    if planned is not None and not throttle.settle(request, counts[0]):
        _throttled(request, throttle.wait())
    return values
