"""Backend checks for ``/healthz``."""

from django.conf import settings
from django.db import connection


def check_database():
    """Run ``SELECT 1`` on the default database; raise on failure."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis():
    """Ping the Redis server named by ``REDIS_URL``; raise on failure."""
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    finally:
        client.close()


def backend_statuses():
    """Return ``{backend: "ok" | error}`` for each configured backend."""
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    statuses = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure is reported
            statuses[name] = f"error: {exc.__class__.__name__}: {exc}"[:300]
        else:
            statuses[name] = "ok"
    return statuses
