"""Rate limits on the Django cache (Redis in production), per client IP.

A fixed window counter: one ``INCR`` per request on Redis. Every response of
the API carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (IETF draft "RateLimit header fields"); a refused request
answers 429 with ``Retry-After``.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle

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


def increment(key, timeout):
    """Add one to the counter ``key`` (created with ``timeout``); return it."""
    if isinstance(cache, RedisCache):
        # One round trip in the common case (the raw client; Django's own
        # incr() checks for the key first).
        redis_key = cache.make_and_validate_key(key)
        client = cache._cache.get_client(redis_key, write=True)
        count = client.incr(redis_key)
        if count == 1:
            client.expire(redis_key, timeout)
        return count
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout)
        return 1


class PortalRateThrottle(BaseThrottle):
    """Anonymous clients per IP (``API_ANON_RATE``), users per id
    (``API_USER_RATE``). API keys will get their own scope."""

    def get_scope(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return "user", str(user.pk), getattr(settings, "API_USER_RATE", "")
        return "anon", self.get_ident(request), getattr(settings, "API_ANON_RATE", "")

    def allow_request(self, request, view):
        scope, ident, rate = self.get_scope(request)
        parsed = parse_rate(rate)
        if parsed is None:
            return True
        limit, period = parsed
        now = time.time()
        window = int(now // period)
        count = increment(f"api-throttle:{scope}:{ident}:{window}", period + 1)
        reset = max(1, math.ceil((window + 1) * period - now))
        request._ratelimit = {
            "limit": limit,
            "remaining": max(0, limit - count),
            "reset": reset,
            "period": period,
        }
        self._wait = reset
        return count <= limit

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
