"""The Redis cache, made to keep the pages working when Redis is down.

``ResilientRedisCache`` is Django's Redis backend with short socket timeouts
(settings ``OPTIONS``) and a fallback: when Redis fails or hangs, each
operation goes to a local-memory cache of the process instead of raising,
and Redis is left alone for ``REDIS_RETRY_SECONDS`` (a breaker, so that a
hung Redis costs one timeout, not one per call). Pages, sessions (in the
database) and allauth's rate limits keep working: the limits keep holding,
counted per process, which is the safe side.

The API's key checks do not fall back: ``datasets.api.fastcache`` asks
``redis_available()`` and answers 503 (a limit that cannot be counted is
never lifted). Everything resumes when Redis answers again, without a
restart.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REDIS_RETRY_SECONDS = 2.0
# Per Redis location: when the breaker reopens the door (monotonic seconds).
_down_until = {}
_lock = threading.Lock()


def redis_available(location):
    """False while the breaker of ``location`` is open (Redis failed there
    less than ``REDIS_RETRY_SECONDS`` ago)."""
    return time.monotonic() >= _down_until.get(location, 0.0)


def mark_redis_down(location):
    with _lock:
        first = redis_available(location)
        _down_until[location] = time.monotonic() + REDIS_RETRY_SECONDS
    if first:
        # Never the location itself: it may carry a password.
        logger.warning("Redis unavailable: falling back for %ss", REDIS_RETRY_SECONDS)


def reset_breakers():
    _down_until.clear()


_fallbacks = {}


def _fallback(location):
    cache = _fallbacks.get(location)
    if cache is None:
        cache = _fallbacks.setdefault(
            location, LocMemCache(f"redis-fallback-{location}", {"OPTIONS": {}})
        )
    return cache


def _resilient(name):
    def method(self, *args, **kwargs):
        fallback = getattr(_fallback(self._location_name), name)
        if not redis_available(self._location_name):
            return fallback(*args, **kwargs)
        try:
            return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except RedisError:
            mark_redis_down(self._location_name)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location_name = server if isinstance(server, str) else ",".join(server)


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(ResilientRedisCache, _name, _resilient(_name))
