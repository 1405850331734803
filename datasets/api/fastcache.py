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
import hashlib
import logging
import pickle
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import NoScriptError, RedisError

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


# Writes waiting for the next exchange() of this thread (set_later()).
_later = threading.local()
LATER_MAX = 32


def set_later(key, value, timeout):
    """``set()`` sent in the next ``exchange()`` of this thread, before its
    reads: the readings endpoint's answers go to the response cache without a
    Redis round trip of their own (the next keyed request carries them).

    The lifetime counts from now: a write that waited is sent with what is
    left of ``timeout``, and dropped once that is spent. A thread that asks
    this thread's own key again reads it (the writes go first); another
    process reads it once this thread has served one more request, or sent
    ``LATER_MAX`` of them. A write lost with Redis costs one computation.
    Without Redis (tests' local memory), a plain ``set()``."""
    backend = _backend()
    if _redis(backend) is None:
        set(key, value, timeout)
        return
    writes = getattr(_later, "writes", None)
    if writes is None:
        writes = _later.writes = []
    deadline = None if timeout is None else time.monotonic() + timeout
    writes.append((key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), deadline))
    if len(writes) >= LATER_MAX:
        flush_later()


def discard_later():
    """Forget this thread's waiting writes (the tests, between two tests)."""
    _later.writes = []


def _take_later():
    writes = getattr(_later, "writes", None)
    if not writes:
        return []
    _later.writes = []
    now = time.monotonic()
    return [
        (key, raw, None if deadline is None else int(deadline - now))
        for key, raw, deadline in writes
        if deadline is None or deadline - now >= 1
    ]


@_degrade(None)
def flush_later():
    """Send this thread's waiting writes now, in one round trip."""
    writes = _take_later()
    if not writes:
        return
    backend = _backend()
    client = _redis(backend)
    pipe = client.pipeline(transaction=False)
    for key, raw, ttl in writes:
        pipe.set(backend.make_and_validate_key(key), raw, ex=ttl)
    pipe.execute()


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


# --- The limiter's round trip (keys and limits: never degraded) ---------------


class Unavailable(Exception):
    """Redis cannot count now (down, hung, or its breaker open): the caller
    answers 503, never serves without a limit."""


# Counters are created with their lifetime in the same atomic step: a
# crash between INCR and EXPIRE can never leave a counter that never resets.
_COUNT_SCRIPT = """
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local c = redis.call('INCR', KEYS[i])
  if c == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end
  out[i] = c
end
if #KEYS > n then
  local m = redis.call('HINCRBY', KEYS[n + 1], ARGV[n + 2], 1)
  if m == 1 then redis.call('EXPIRE', KEYS[n + 1], ARGV[n + 3]) end
end
return out
"""


_COUNT_SHA = hashlib.sha1(_COUNT_SCRIPT.encode()).hexdigest()


def _breaker_location(backend):
    return getattr(backend, "_location_name", None)


def exchange(counters, keys, *, peek=(), meter=None, flag=None):
    """One round trip: add one to each ``(key, timeout)`` of ``counters``
    (atomically, with its lifetime), ``get()`` each of ``keys``, read the
    counters ``peek`` (0 when absent), add one to ``meter=(hash_key, field,
    timeout)`` and set ``flag=(key, timeout)`` if absent. Returns ``(counts,
    values, peeked, flag_was_set)``. Raises ``Unavailable`` when Redis fails
    or hangs (no fallback)."""
    from portal import cache as portal_cache

    backend = _backend()
    client = _redis(backend)
    if client is None:
        return _exchange_without_redis(backend, counters, keys, peek, meter, flag)
    location = _breaker_location(backend)
    if location is not None and not portal_cache.redis_available(location):
        raise Unavailable()
    make = backend.make_and_validate_key
    writes = _take_later()
    script_keys = [make(key) for key, _timeout in counters]
    args = [len(counters), *(int(timeout) for _key, timeout in counters)]
    if meter is not None:
        script_keys.append(make(meter[0]))
        args.extend([meter[1], int(meter[2])])

    def send():
        pipe = client.pipeline(transaction=False)
        for key, raw, ttl in writes:
            pipe.set(make(key), raw, ex=ttl)
        if script_keys:
            pipe.evalsha(_COUNT_SHA, len(script_keys), *script_keys, *args)
        for key in keys:
            pipe.get(make(key))
        for key in peek:
            pipe.get(make(key))
        if flag is not None:
            pipe.set(make(flag[0]), b"1", ex=int(flag[1]), nx=True)
        return pipe.execute()

    try:
        try:
            results = send()
        except NoScriptError:
            # A new or flushed Redis: load the script once, send again (the
            # failed EVALSHA counted nothing).
            client.script_load(_COUNT_SCRIPT)
            results = send()
    except RedisError:
        if location is not None:
            portal_cache.mark_redis_down(location)
        logger.warning("Redis unavailable: the API's limits cannot be counted")
        raise Unavailable() from None
    del results[: len(writes)]
    counts = [int(n) for n in results.pop(0)] if script_keys else []
    flag_set = bool(results.pop()) if flag is not None else False
    values = [_loads(raw) for raw in results[: len(keys)]]
    peeked = [int(raw or 0) for raw in results[len(keys) :]]
    return counts, values, peeked, flag_set


def _exchange_without_redis(backend, counters, keys, peek, meter, flag):
    counts = [incr(key, timeout) for key, timeout in counters]
    if meter is not None:
        _meter_without_redis(backend, *meter)
    flag_set = backend.add(flag[0], 1, flag[1]) if flag is not None else False
    values = [backend.get(key) for key in keys]
    return counts, values, [int(backend.get(key) or 0) for key in peek], flag_set


def incr_soft(key, timeout):
    """``incr()`` that never raises nor waits on a Redis known to be down (a
    best-effort count: refused keys)."""
    from portal import cache as portal_cache

    location = _breaker_location(_backend())
    if location is not None and not portal_cache.redis_available(location):
        return 0
    try:
        return incr(key, timeout)
    except Exception:  # noqa: BLE001 - best effort
        return 0
