"""Keyed JSON reads take the plain Django path (issue 14); they answer what
DRF's view answers: bodies, statuses, headers and JSON errors. A request
whose Accept header names CSV after JSON goes through DRF and gets JSON: the
two paths are asked the same things."""

import pytest
from django.core.cache import cache

from datasets.access import keys
from datasets.access.models import DataGrant
from datasets.access.services import issue_api_key, revoke_api_key
from datasets.api import views

URL = "/api/v1/readings/"
SENSOR_DAY = {
    "sensor": "PED-001",
    "metric": "pedestrians_in",
    "start": "2025-10-07",
    "end": "2025-10-08",
    "interval": "15min",
}
THROUGH_DRF = {"HTTP_ACCEPT": "application/json, text/csv;q=0.5"}
HEADERS = (
    "Content-Type",
    "Cache-Control",
    "ETag",
    "Expires",
    "Vary",
    "Allow",
    "WWW-Authenticate",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Policy",
    "Link",
    "Content-Language",
    "X-Frame-Options",
    "Content-Length",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


@pytest.fixture
def token(grant, holder):
    _key, token = issue_api_key(grant, name="client", actor=holder)
    return token


@pytest.fixture
def counted(monkeypatch):
    """How many requests the plain path answered itself."""
    answered = []
    original = views.fast_readings

    def spy(request):
        response = original(request)
        answered.append(response is not None)
        return response

    monkeypatch.setattr(views, "fast_readings", spy)
    return answered


def _ask(client, token, query, *, drf, language="en", clear=True):
    if clear:
        cache.clear()  # no cached answer (nor counters)
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": language}
    if drf:
        extra |= THROUGH_DRF
    response = client.get(URL, query, **extra)
    headers = {name: response.get(name) for name in HEADERS}
    if headers["Expires"]:
        headers["Expires"] = "set"  # the clock moved between the two requests
    # DRF's session authentication reads the session even when a key is
    # presented, hence its "Vary: Cookie"; a keyed answer does not depend on
    # cookies, and the plain path does not read the session.
    headers["Vary"] = ", ".join(
        part for part in headers["Vary"].split(", ") if part != "Cookie"
    )
    return response.status_code, response.json(), headers


def _both(client, token, query, counted, **kwargs):
    counted.clear()
    fast = _ask(client, token, query, drf=False, **kwargs)
    usual = _ask(client, token, query, drf=True, **kwargs)
    assert fast == usual
    return fast, counted[:]


def test_a_sensor_day_is_answered_by_the_plain_path(client, token, counted):
    (status, body, headers), taken = _both(client, token, SENSOR_DAY, counted)
    assert taken == [True, False]  # the second request went through DRF
    assert status == 200
    assert len(body["results"]) == 96
    assert body["results"][0] == {
        "period_start": "2025-10-07T00:00:00+02:00",
        "period_end": "2025-10-07T00:15:00+02:00",
        "dataset": "pedestrian-flows",
        "metric": "pedestrians_in",
        "unit": body["meta"]["metrics"][0]["unit"],
        "sensor": "PED-001",
        "street": "rue-des-batignolles",
        "value": 1.0,
        "count": 1,
    }
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "private, max-age=86400"
    assert headers["Vary"] == "Accept, Authorization, X-API-Key, Accept-Language"
    assert headers["Allow"] == "GET, HEAD, OPTIONS"
    assert headers["RateLimit-Policy"] is not None


def test_pages_link_to_the_next_one_alike(client, token, counted):
    (status, body, headers), taken = _both(
        client, token, SENSOR_DAY | {"page_size": "10"}, counted
    )
    assert taken == [True, False]
    assert status == 200
    assert len(body["results"]) == 10
    assert body["next"].startswith("http://testserver/api/v1/readings/?cursor=")
    assert headers["Link"] == f'<{body["next"]}>; rel="next"'


def test_dataset_outside_the_grant_is_the_same_json_403(client, token, counted):
    query = SENSOR_DAY | {"sensor": "SND-001", "metric": "laeq"}
    (status, body, _headers), taken = _both(client, token, query, counted)
    assert taken == [True, False]
    assert status == 403
    assert body["errors"][0]["parameter"] == "dataset"
    assert body["errors"][0]["allowed"] == ["pedestrian-flows"]


def test_revoked_key_is_the_same_json_401_in_french(
    client, grant, holder, token, counted
):
    key = grant.keys.get()
    revoke_api_key(key, actor=holder)
    keys.fastcache.delete(keys.cache_key(key.digest))  # on_commit in tests
    (status, body, headers), taken = _both(
        client, token, SENSOR_DAY, counted, language="fr"
    )
    assert taken == [True, False]
    assert (status, body["code"]) == (401, "key_revoked")
    assert "révoquée" in body["detail"]
    assert headers["WWW-Authenticate"].startswith("Bearer")


def test_over_the_limit_is_the_same_429(client, grant, token, counted):
    DataGrant.objects.filter(pk=grant.pk).update(
        requests_per_minute=1, requests_per_day=1000
    )
    first = _ask(client, token, SENSOR_DAY, drf=False)
    assert first[0] == 200
    counted.clear()
    fast = _ask(client, token, SENSOR_DAY, drf=False, clear=False)
    usual = _ask(client, token, SENSOR_DAY, drf=True, clear=False)
    assert fast == usual
    status, _body, headers = fast
    taken = counted[:]
    assert taken == [True, False]
    assert status == 429
    assert int(headers["Retry-After"]) >= 1
    assert headers["RateLimit-Limit"] == "1"


def test_a_parameter_error_is_left_to_drf(client, token, counted):
    (status, body, _headers), taken = _both(
        client, token, SENSOR_DAY | {"interval": "week"}, counted
    )
    assert taken == [False, False]
    assert status == 400
    assert body["errors"][0]["parameter"] == "interval"


def test_without_a_key_or_for_csv_drf_answers(client, token, counted):
    counted.clear()
    assert client.get(URL, SENSOR_DAY | {"interval": "hour"}).status_code == 200
    response = client.get(
        URL,
        SENSOR_DAY | {"format": "csv"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert counted == [False, False]
