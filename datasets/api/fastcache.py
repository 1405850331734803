"""The few cache operations on the API's hot path, one Redis round trip each.

Django's Redis backend builds a client object for every call and its
``incr()`` checks for the key first (two round trips). On Redis these helpers
keep one client per cache backend instance (backends are per thread) and
speak to it directly; on any other backend (local memory in tests and in the
embedded default) they use Django's cache API. Values are pickled like
Django's own serializer, keys go through the backend's prefix and version.

When Redis is unreachable the API keeps answering: a lookup is a miss, a
counter reads 0 (no rate limit) and the error is logged.
"""

import functools
import logging
import pickle

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _degrade(fallback):
    def decorator(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except RedisError:
                logger.warning("Redis unavailable in %s", function.__name__)
                return fallback

        return wrapper

    return decorator


def _backend():
    return caches["default"]


def _redis(backend):
    if not isinstance(backend, RedisCache):
        return None
    client = getattr(backend, "_datasets_api_client", None)
    if client is None:
        cache_client = backend._cache
        client = cache_client._client(
            connection_pool=cache_client._get_connection_pool(True)
        )
        backend._datasets_api_client = client
    return client


@_degrade(0)
def incr(key, timeout):
    """Add one to the counter ``key``, created to live ``timeout`` seconds."""
    backend = _backend()
    client = _redis(backend)
    if client is not None:
        redis_key = backend.make_and_validate_key(key)
        count = client.incr(redis_key)
        if count == 1:
            client.expire(redis_key, timeout)
        return count
    backend.add(key, 0, timeout)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add() and incr()
        backend.add(key, 1, timeout)
        return 1


@_degrade(None)
def get(key):
    backend = _backend()
    client = _redis(backend)
    if client is None:
        return backend.get(key)
    raw = client.get(backend.make_and_validate_key(key))
    return None if raw is None else pickle.loads(raw)


@_degrade(None)
def set(key, value, timeout):  # noqa: A001 - mirrors the cache API
    backend = _backend()
    client = _redis(backend)
    if client is None:
        backend.set(key, value, timeout)
        return
    client.set(
        backend.make_and_validate_key(key),
        pickle.dumps(value, pickle.HIGHEST_PROTOCOL),
        ex=timeout,
    )


@_degrade((0, None))
def incr_and_get(counter_key, timeout, key):
    """``incr(counter_key, timeout)`` and ``get(key)`` in one round trip."""
    backend = _backend()
    client = _redis(backend)
    if client is None:
        return incr(counter_key, timeout), backend.get(key)
    counter = backend.make_and_validate_key(counter_key)
    pipe = client.pipeline(transaction=False)
    pipe.incr(counter)
    pipe.get(backend.make_and_validate_key(key))
    count, raw = pipe.execute()
    if count == 1:
        client.expire(counter, timeout)
    return count, None if raw is None else pickle.loads(raw)
