import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "host": str(settings.DATABASES["default"]["HOST"]),
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "debug": settings.DEBUG,
    "site_url": settings.SITE_URL,
}))
"""

# Served, and answering, by the embedded servers of the development settings.
SERVERS_PROBE = """
import redis
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW server_version")
    print(cursor.fetchone()[0])
print(redis.Redis.from_url(settings.REDIS_URL).info()["redis_version"])
"""


def run_settings(module, probe=PROBE, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "DJANGO_DEBUG",
            "PORT",
            "PORTAL_SITE_URL",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    code = "import django; django.setup()\n" + probe
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_dev_without_urls_runs_on_embedded_postgresql_and_redis():
    result = run_settings("portal.settings.dev")

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["host"] == str(ROOT / "var" / "postgres")
    assert values["name"] == "portal"
    assert values["cache"] == "portal.cache.ResilientRedisCache"
    assert values["broker"].startswith("redis://127.0.0.1:")
    assert values["broker"].endswith("/0")
    assert values["eager"] is False
    assert values["debug"] is True
    assert values["site_url"] == "http://127.0.0.1:8000"


def test_settings_dev_without_urls_reaches_postgresql_18_and_redis_6():
    result = run_settings("portal.settings.dev", probe=SERVERS_PROBE)

    assert result.returncode == 0, result.stderr
    postgresql, redis_version = result.stdout.split()
    assert postgresql == "18.6"
    assert redis_version == "6.2.14"


def test_settings_base_has_no_fallback_engine():
    result = run_settings("portal.settings.base")

    assert result.returncode != 0
    assert "ImproperlyConfigured: Not set: DATABASE_URL, REDIS_URL." in result.stderr


def test_settings_postgresql_and_redis_from_environment():
    result = run_settings(
        "portal.settings.dev",
        DATABASE_URL="postgres://portal:secret@db.example:5433/portal",
        REDIS_URL="redis://cache.example:6380/2",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "portal"
    assert values["cache"] == "portal.cache.ResilientRedisCache"
    assert values["broker"] == "redis://cache.example:6380/2"
    assert values["eager"] is False


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8080"}, "http://127.0.0.1:8080"),
        (
            {"PORT": "8080", "PORTAL_SITE_URL": "https://openbatignolles.paris/"},
            "https://openbatignolles.paris",
        ),
    ],
)
def test_settings_site_url_follows_the_port_served(env, site_url):
    result = run_settings(
        "portal.settings.dev",
        DATABASE_URL="postgres://portal:secret@db.example:5433/portal",
        REDIS_URL="redis://cache.example:6380/2",
        **env,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["site_url"] == site_url


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_ALLOWED_HOSTS",
        "TRUSTED_PROXY_COUNT",
    ],
)
def test_production_settings_refuse_to_start_without_secret(missing):
    env = {
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_ALLOWED_HOSTS": "openbatignolles.example",
        "TRUSTED_PROXY_COUNT": "1",
    }
    del env[missing]

    result = run_settings("portal.settings.production", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_start_with_all_secrets():
    result = run_settings(
        "portal.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_ALLOWED_HOSTS="openbatignolles.example",
        TRUSTED_PROXY_COUNT="1",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_suite_runs_on_postgresql_and_redis(settings):
    """Everywhere (embedded on a laptop, the machine's servers in CI)."""
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL


def test_beat_schedule_names_registered_tasks(settings):
    from portal.celery import app

    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert "accounts-purge-inactive" in settings.CELERY_BEAT_SCHEDULE
