import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_fresh_worker(code):
    """``code`` in a fresh interpreter with the test settings: what a worker
    has once it has imported ``portal.wsgi`` (in this one, everything is)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def test_wsgi_imports_every_view_when_the_worker_starts():
    result = run_fresh_worker(
        "import sys, portal.wsgi; "
        "print(' '.join(m for m in ('datasets.api.views', "
        "'applications.views.applicant', 'datasets.backoffice_views') "
        "if m in sys.modules))"
    )
    assert result.stdout.split() == [
        "datasets.api.views",
        "applications.views.applicant",
        "datasets.backoffice_views",
    ]


SECRETS = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_ALLOWED_HOSTS": "openbatignolles.example",
    "TRUSTED_PROXY_COUNT": "1",
}
UNSET = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_DEBUG",
    "PORT",
    "PORTAL_SITE_URL",
    *SECRETS,
}


def run_python(code, **env):
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW_SETTINGS = (
    "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
)


def test_wsgi_defaults_to_production_settings():
    result = run_python("import portal.wsgi; " + SHOW_SETTINGS, **SECRETS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["portal.settings.production", "False"]


def test_wsgi_without_settings_module_or_secrets_refuses_to_start():
    result = run_python("import portal.wsgi")

    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: Production refuses to start without: "
        "DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL" in result.stderr
    )


def test_celery_app_defaults_to_production_settings():
    result = run_python(
        "from portal.celery import app; "
        "print(app.conf.task_always_eager, app.conf.broker_url); " + SHOW_SETTINGS,
        **SECRETS,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "redis://127.0.0.1:6379/0",
        "portal.settings.production",
        "False",
    ]


def test_celery_app_without_settings_module_or_secrets_refuses_to_start():
    result = run_python("from portal.celery import app; app.conf.broker_url")

    assert result.returncode != 0
    assert "Production refuses to start without" in result.stderr


def test_manage_py_stays_on_development_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in UNSET},
            "DATABASE_URL": SECRETS["DATABASE_URL"],
            "REDIS_URL": SECRETS["REDIS_URL"],
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["portal.settings.dev", "True"]


def test_wsgi_freezes_what_it_loads_so_that_full_collections_stay_short():
    # The objects loaded with the application (Django, the apps, the
    # URLconf) are moved out of the collector's reach.
    result = run_fresh_worker(
        "import gc; before = gc.get_freeze_count(); import portal.wsgi; "
        "print(before, gc.get_freeze_count() > 100_000, "
        "sum(gc.get_count()) < 10_000)"
    )
    assert result.stdout.split() == ["0", "True", "True"]
