"""Rate limits on the Django cache (Redis in production), per client IP.

A fixed window counter: one ``INCR`` per request on Redis. Every response of
the API carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (IETF draft "RateLimit header fields"); a refused request
answers 429 with ``Retry-After``.
"""

import math
import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from datasets.access import keys, metering

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
        planned = self.plan(request)
        meter = self.meter(request)
        if planned is None and meter is None:
            return True
        count, _values = fastcache.incr_and_get_many(
            *(planned or (None, 0)), [], meter=meter
        )
        return planned is None or self.settle(request, count)

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
