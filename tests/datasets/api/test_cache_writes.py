"""The response cache's writes ride on the next request's round trip
(issue 14): an uncached answer costs one Redis round trip, not two.

On the real Redis: the answer is not in Redis after the request that
computed it, it is after the next keyed request, the same URL asked again is
then served without a query, and a write keeps only what is left of its
lifetime.
"""

import pytest
from django.core.cache import caches

from datasets.access.services import issue_api_key
from datasets.api import fastcache

from .test_keys import ONE_DAY_15MIN, URL, bearer


def _answers_in_redis():
    client = fastcache._redis(caches["default"])
    return sorted(
        key.decode() for key in client.scan_iter(match="test-api:*api:readings:v2:*")
    )


def test_the_answer_travels_with_the_next_request(
    client, grant, holder, real_redis_cache, django_assert_num_queries
):
    _key, token = issue_api_key(grant, name="prod", actor=holder)

    first = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert first.status_code == 200
    assert len(first.json()["results"]) == 96
    assert _answers_in_redis() == []

    # The same URL again: the waiting write goes first in the round trip,
    # then the read finds it: no query at all.
    with django_assert_num_queries(0):
        again = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    stored = _answers_in_redis()
    assert len(stored) == 1
    ttl = fastcache._redis(caches["default"]).ttl(stored[0])
    assert 0 < ttl <= 24 * 3600


def test_a_write_keeps_only_what_is_left_of_its_lifetime(real_redis_cache):
    redis = fastcache._redis(caches["default"])
    fastcache.set_later("api:readings:v2:short", {"body": b"x"}, 1)
    fastcache.set_later("api:readings:v2:long", {"body": b"y"}, 600)
    assert fastcache.get("api:readings:v2:long") is None  # not sent yet

    fastcache.flush_later()

    assert fastcache.get("api:readings:v2:short") is None  # its second is spent
    assert fastcache.get("api:readings:v2:long") == {"body": b"y"}
    long_key = caches["default"].make_and_validate_key("api:readings:v2:long")
    assert 590 <= redis.ttl(long_key) <= 600


def test_a_full_queue_is_sent_at_once(real_redis_cache):
    for n in range(fastcache.LATER_MAX):
        fastcache.set_later(f"api:readings:v2:n{n}", n, 600)
    assert fastcache.get("api:readings:v2:n0") == 0
    assert fastcache.get(f"api:readings:v2:n{fastcache.LATER_MAX - 1}") == (
        fastcache.LATER_MAX - 1
    )


@pytest.mark.django_db
def test_on_another_cache_backend_the_write_is_immediate(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    fastcache.set_later("api:readings:v2:local", "answer", 600)
    assert caches["default"].get("api:readings:v2:local") == "answer"
