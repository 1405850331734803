"""The deployment checklist and the security headers of every kind of response."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings

from tests.applications.factories import ApplicationFactory, CallFactory
from tests.security.pdf_corpus import build_pdf

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_the_production_settings_and_dummy_secrets():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "test-only-not-a-secret-" + "q7Zr2xW9pL4kT8vN3mB6" * 3,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unused"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture
def production_headers(settings):
    """The header settings of production.py (HSTS needs HTTPS requests)."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.DEBUG = False


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy
    assert "microphone=()" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_headers_on_an_html_page(client, production_headers):
    response = client.get("/mentions-legales/", secure=True)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert_security_headers(response)


@pytest.mark.django_db
def test_headers_on_a_json_api_response(client, production_headers):
    response = client.get("/api/v1/datasets/", secure=True)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_security_headers(response)


@pytest.mark.django_db
def test_headers_on_a_json_api_error(client, production_headers):
    response = client.get("/api/v1/readings/", {"start": "9999-01-01"}, secure=True)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert_security_headers(response)


@pytest.mark.django_db
def test_headers_on_a_file_download(client, user, production_headers):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    client.post(
        f"/en/appels/candidatures/{application.reference}/pieces-jointes/",
        {"file": SimpleUploadedFile("deck.pdf", build_pdf()), "kind": "pitch_deck"},
        secure=True,
    )
    attachment = application.attachments.get()

    response = client.get(
        f"/en/appels/candidatures/{application.reference}"
        f"/pieces-jointes/{attachment.pk}/",
        secure=True,
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"), [("/no-such-page/", 404), ("/gestion/", 302)]
)
def test_headers_on_error_pages_and_redirects(client, production_headers, path, status):
    response = client.get(path, secure=True)

    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.django_db
def test_headers_on_a_403_page(production_headers):
    """A refused CSRF token: the styled 403 page."""
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/en/comptes/login/", {"login": "a@example.org", "password": "x"}, secure=True
    )

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert_security_headers(response)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.security.crash_urls")
def test_headers_on_the_500_page(production_headers):
    client = Client(raise_request_exception=False)

    response = client.get("/en/crash/", secure=True)

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert_security_headers(response)


@pytest.mark.django_db
def test_headers_on_a_csv_download(organiser_client, production_headers):
    call = CallFactory()

    response = organiser_client.get(
        f"/en/gestion/appels/{call.slug}/candidatures/export.csv", secure=True
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert_security_headers(response)


@pytest.mark.django_db
def test_headers_on_a_static_file(client, settings, production_headers, tmp_path):
    """Served by WhiteNoise before the CSP middleware: its own strict policy
    (an SVG opened on its own is a document that could run scripts)."""
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)

    response = client.get("/static/img/favicon.svg", secure=True)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
