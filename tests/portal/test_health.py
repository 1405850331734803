import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_each_configured_backend_ok(client, settings, redis_url):
    settings.REDIS_URL = redis_url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "backends": {"database": "ok", "redis": "ok"},
    }


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["backends"]["database"] == "ok"
    assert body["backends"]["redis"].startswith("error: ConnectionError")


@pytest.mark.django_db
def test_healthz_without_redis_names_only_the_database(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["backends"] == {"database": "ok"}
    assert connection.vendor in {"postgresql", "sqlite"}
