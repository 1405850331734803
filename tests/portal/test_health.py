import pytest
import redis
from django.db import connection


def server_versions(redis_url):
    """The versions as the servers themselves report them."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0].split()[0]
    client = redis.Redis.from_url(redis_url)
    try:
        return postgresql, client.info()["redis_version"]
    finally:
        client.close()


@pytest.mark.django_db
def test_healthz_names_postgresql_and_redis_with_their_versions(client, settings):
    postgresql, redis_version = server_versions(settings.REDIS_URL)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "backends": {"database": "ok", "redis": "ok", "pages": "ok"},
        "versions": {
            "database": f"PostgreSQL {postgresql}",
            "redis": f"Redis {redis_version}",
        },
    }


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    postgresql, _redis_version = server_versions(settings.REDIS_URL)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["backends"]["database"] == "ok"
    assert body["backends"]["redis"].startswith("error: ConnectionError")
    assert body["versions"] == {"database": f"PostgreSQL {postgresql}"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_pages_cannot_render(client, settings, tmp_path):
    """The production storage without collectstatic: every HTML page would
    answer 500, so the load balancer must not see a healthy node."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["backends"] == {
        "database": "ok",
        "redis": "ok",
        "pages": "error: ValueError",
    }
