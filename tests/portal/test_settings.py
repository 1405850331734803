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
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "debug": settings.DEBUG,
}))
"""


def run_settings(module, **env):
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
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    code = "import django; django.setup()\n" + PROBE
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_embedded_default_without_urls():
    result = run_settings("portal.settings.dev")

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("var/portal.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["broker"] == "memory://"
    assert values["eager"] is True
    assert values["debug"] is True


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
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["broker"] == "redis://cache.example:6380/2"
    assert values["eager"] is False


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"],
)
def test_production_settings_refuse_to_start_without_secret(missing):
    env = {
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_ALLOWED_HOSTS": "openbatignolles.example",
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
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_ci_runs_on_postgresql_and_redis(settings):
    """In CI the suite must exercise the real services, never the fallbacks."""
    if not os.environ.get("CI"):
        pytest.skip("Only meaningful in CI, where .ci/run sets the URLs.")
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_beat_schedule_names_registered_tasks(settings):
    from portal.celery import app

    app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert "accounts-purge-inactive" in settings.CELERY_BEAT_SCHEDULE
