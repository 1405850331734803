"""A Redis outage, on a Redis of the test's own: keyed requests answer 503
quickly in JSON (never unlimited, never 500), pages keep working, /healthz
says 503 without internal addresses, and everything resumes when Redis
returns, without a restart. A hung Redis (accepts, never answers) too."""

import time

import pytest
from django.core.cache import caches

from datasets.access.services import issue_api_key
from portal import cache as portal_cache
from tests.fault_servers import HungRedis, OwnRedis, point_cache_at

URL = "/api/v1/readings/"
ONE_DAY_15MIN = {
    "sensor": "PED-001",
    "metric": "pedestrians_in",
    "start": "2025-10-07",
    "end": "2025-10-08",
    "interval": "15min",
}


@pytest.fixture
def own_redis(settings):
    redis = OwnRedis()
    redis.start()
    point_cache_at(settings, redis.url)
    yield redis
    redis.stop()
    portal_cache.reset_breakers()


def _keyed(client, token):
    started = time.monotonic()
    response = client.get(
        URL,
        ONE_DAY_15MIN,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return response, time.monotonic() - started


def _pages_work(client, holder):
    assert client.get("/").status_code == 200
    assert client.get("/en/donnees/").status_code == 200
    client.force_login(holder)  # the session lives in the database
    assert client.get("/en/donnees/mes-acces/").status_code == 200
    client.logout()


def test_redis_stopped_then_back(client, grant, holder, own_redis):
    _key, token = issue_api_key(grant, name="prod", actor=holder)
    response, _seconds = _keyed(client, token)
    assert response.status_code == 200
    assert client.get("/healthz").status_code == 200

    own_redis.stop()

    response, seconds = _keyed(client, token)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "limits_unavailable"
    assert body["detail"].startswith("The API cannot check its rate limits")
    assert seconds < 1.0
    # Anonymous API calls are not served without a limit either.
    assert client.get("/api/v1/streets/").status_code == 503
    _pages_work(client, holder)
    health = client.get("/healthz")
    assert health.status_code == 503
    text = health.content.decode()
    assert health.json()["backends"]["redis"] == "error: ConnectionError"
    assert str(own_redis.port) not in text
    assert "127.0.0.1" not in text

    own_redis.start()
    time.sleep(portal_cache.REDIS_RETRY_SECONDS + 0.1)

    response, _seconds = _keyed(client, token)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 96
    assert client.get("/healthz").status_code == 200


def test_hung_redis_answers_503_within_a_second(client, grant, holder, settings):
    _key, token = issue_api_key(grant, name="prod", actor=holder)
    hung = HungRedis()
    try:
        point_cache_at(settings, f"redis://127.0.0.1:{hung.port}/0")
        response, seconds = _keyed(client, token)
        assert response.status_code == 503
        assert response.json()["code"] == "limits_unavailable"
        assert seconds < 1.2
        # Then the breaker answers at once.
        response, seconds = _keyed(client, token)
        assert response.status_code == 503
        assert seconds < 0.2
        started = time.monotonic()
        _pages_work(client, holder)
        assert time.monotonic() - started < 3
    finally:
        caches["default"].close()
        hung.close()
        portal_cache.reset_breakers()
