"""Backend checks for ``/healthz``."""

from django.conf import settings
from django.db import connection


def check_database():
    """Ask PostgreSQL its version; return it, or raise on failure."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        # "18.6", or "15.14 (Debian 15.14-0+deb12u1)" from a distribution.
        return "PostgreSQL " + cursor.fetchone()[0].split()[0]


def check_redis():
    """Ask the Redis server named by ``REDIS_URL`` its version; raise on failure."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=1,
        socket_timeout=1,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        return "Redis " + client.info("server")["redis_version"]
    finally:
        client.close()


def check_pages():
    """Render the template of the static files every page links (through the
    static storage: with the manifest of production, a missing or stale
    ``collectstatic`` raises here as it would on every HTML page)."""
    from django.template.loader import render_to_string

    render_to_string("portal/health_probe.html")


def backend_report():
    """Return ``(statuses, versions)``: ``{backend: "ok" | error}`` for the
    database, Redis and the pages' templates, and the version of each backend
    that answered."""
    statuses = {}
    versions = {}
    checks = (
        ("database", check_database),
        ("redis", check_redis),
        ("pages", check_pages),
    )
    for name, check in checks:
        try:
            version = check()
        except Exception as exc:  # noqa: BLE001 - any failure is reported
            # The class of the error only: its message may name internal
            # addresses and ports, and /healthz is public.
            statuses[name] = f"error: {exc.__class__.__name__}"
        else:
            statuses[name] = "ok"
            if version is not None:
                versions[name] = version
    return statuses, versions
