import pytest

from datasets.api.throttling import parse_rate


def test_rate_limit_headers_on_every_response(client, world, settings):
    settings.API_ANON_RATE = "5/min"
    first = client.get("/api/v1/datasets/")
    second = client.get("/api/v1/readings/", {"interval": "bad"})
    assert first["RateLimit-Limit"] == "5"
    assert first["RateLimit-Remaining"] == "4"
    assert second["RateLimit-Remaining"] == "3"
    assert 1 <= int(first["RateLimit-Reset"]) <= 60
    assert first["RateLimit-Policy"] == "5;w=60"


def test_rate_limit_429_with_retry_after(client, world, settings):
    settings.API_ANON_RATE = "2/min"
    for _n in range(2):
        assert client.get("/api/v1/streets/").status_code == 200
    refused = client.get("/api/v1/streets/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0"
    assert "throttled" in refused.json()["detail"]
    # Another client address has its own allowance.
    other = client.get("/api/v1/streets/", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_rate_limit_per_user_for_sessions(organiser_client, world, settings):
    settings.API_ANON_RATE = "1/min"
    settings.API_USER_RATE = "3/min"
    for _n in range(3):
        assert organiser_client.get("/api/v1/streets/").status_code == 200
    assert organiser_client.get("/api/v1/streets/").status_code == 429


@pytest.mark.redis
def test_rate_limit_on_real_redis(client, world, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "test-throttle",
        }
    }
    from django.core.cache import cache

    cache.clear()
    settings.API_ANON_RATE = "2/min"
    statuses = [client.get("/api/v1/streets/").status_code for _n in range(3)]
    assert statuses == [200, 200, 429]
    cache.clear()
    # The readings endpoint counts and reads its cache in one round trip.
    query = {"dataset": "pedestrian-flows", "start": "2025-10-07", "end": "2025-10-08"}
    first, second, third = (client.get("/api/v1/readings/", query) for _n in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (
        200,
        200,
        429,
    )
    assert second.content == first.content
    assert second["RateLimit-Remaining"] == "0"
    assert int(third["Retry-After"]) >= 1
    cache.clear()


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("600/min", (600, 60)),
        ("10/s", (10, 1)),
        ("5000/hour", (5000, 3600)),
        ("1/day", (1, 86400)),
        ("none", None),
        ("", None),
    ],
)
def test_parse_rate(rate, parsed):
    assert parse_rate(rate) == parsed


def test_api_answers_503_when_redis_is_down(client, october_day, settings):
    # A Redis nobody listens on: the limit cannot be counted, so the API
    # answers 503 in JSON rather than without a limit (tests/datasets/api/
    # test_outage.py stops a real Redis and watches it come back).
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
    settings.API_ANON_RATE = "5/min"
    response = client.get(
        "/api/v1/readings/",
        {"dataset": "pedestrian-flows", "start": "2025-10-07", "end": "2025-10-08"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 503
    assert response.json()["code"] == "limits_unavailable"
