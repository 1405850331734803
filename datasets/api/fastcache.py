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
    return _loads(client.get(backend.make_and_validate_key(key)))


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


@_degrade(None)
def delete(key):
    backend = _backend()
    client = _redis(backend)
    if client is None:
        backend.delete(key)
        return
    client.delete(backend.make_and_validate_key(key))


def _loads(raw):
    return None if raw is None else pickle.loads(raw)


def incr_and_get_many(counter_key, timeout, keys, *, meter=None):
    """``incr(counter_key, timeout)`` (skipped when ``counter_key`` is None),
    ``get()`` of each of ``keys`` and, with ``meter=(hash_key, field,
    timeout)``, one more to the ``field`` of the hash ``hash_key``, in one round
    trip: ``(count, [values])``."""
    try:
        return _incr_and_get_many(counter_key, timeout, keys, meter)
    except RedisError:
        logger.warning("Redis unavailable in incr_and_get_many")
        return 0, [None] * len(keys)


def _incr_and_get_many(counter_key, timeout, keys, meter):
    backend = _backend()
    client = _redis(backend)
    if client is None:
        count = incr(counter_key, timeout) if counter_key is not None else 0
        if meter is not None:
            _meter_without_redis(backend, *meter)
        return count, [backend.get(key) for key in keys]
    pipe = client.pipeline(transaction=False)
    if counter_key is not None:
        counter = backend.make_and_validate_key(counter_key)
        pipe.incr(counter)
    for key in keys:
        pipe.get(backend.make_and_validate_key(key))
    if meter is not None:
        meter_key = backend.make_and_validate_key(meter[0])
        pipe.hincrby(meter_key, meter[1], 1)
    results = pipe.execute()
    count = 0
    if counter_key is not None:
        count = results.pop(0)
        if count == 1:
            client.expire(counter, timeout)
    if meter is not None and results.pop() == 1:
        client.expire(meter_key, meter[2])
    return count, [_loads(raw) for raw in results]


def _meter_without_redis(backend, hash_key, field, timeout):
    # Local memory (tests, the embedded default): a counter per field and an
    # index of the fields, so that hgetall() can list them.
    index_key = f"{hash_key}:fields"
    fields = backend.get(index_key) or []
    if field not in fields:
        backend.set(index_key, [*fields, field], timeout)
    incr(f"{hash_key}:{field}", timeout)


@_degrade({})
def hgetall(hash_key):
    """The counters of the hash ``hash_key`` (written by ``meter=``): {field: n}."""
    backend = _backend()
    client = _redis(backend)
    if client is None:
        fields = backend.get(f"{hash_key}:fields") or []
        counts = {field: backend.get(f"{hash_key}:{field}") for field in fields}
        return {field: int(n) for field, n in counts.items() if n}
    raw = client.hgetall(backend.make_and_validate_key(hash_key))
    return {field.decode(): int(value) for field, value in raw.items()}
