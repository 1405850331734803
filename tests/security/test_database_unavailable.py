"""The database unreachable: a friendly, translated 503 page (JSON for the
API), never a stack trace, and /healthz 503 without internal addresses."""

import socket
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client

from tests.conftest import make_user


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_at_closed_port():
    """Point the default connection at a port where nothing listens."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    port = _closed_port()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    try:
        yield port
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def outage_client():
    # As a browser sees it: the handlers' answer, not a re-raised exception.
    return Client(raise_request_exception=False)


@pytest.mark.django_db(transaction=True)
def test_pages_answer_the_french_503_page_when_the_database_is_down(outage_client):
    # A signed-in person: the session itself is read from the database.
    outage_client.force_login(make_user("lea@example.org", full_name="Léa Fontaine"))

    with database_at_closed_port() as port:
        response = outage_client.get("/")
        dashboard = outage_client.get("/comptes/")

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert '<html lang="fr">' in html
    assert '<h1 id="error-title">Service momentanément indisponible</h1>' in html
    assert (
        "Le portail ne peut pas joindre ses données pour un moment\u202f; "
        "vous n’y êtes pour rien." in html
    )
    assert "Traceback" not in html
    assert "127.0.0.1" not in html
    assert str(port) not in html
    assert "OperationalError" not in html
    assert dashboard.status_code == 503


@pytest.mark.django_db(transaction=True)
def test_english_pages_answer_the_english_503_page(outage_client):
    with database_at_closed_port():
        response = outage_client.get("/en/")

    html = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="en">' in html
    assert '<h1 id="error-title">Service temporarily unavailable</h1>' in html


@pytest.mark.django_db(transaction=True)
def test_api_answers_json_503_when_the_database_is_down(outage_client):
    with database_at_closed_port() as port:
        response = outage_client.get("/api/v1/datasets/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Le service est momentanément indisponible. "
        "Réessayez dans quelques minutes."
    }
    assert str(port) not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_without_addresses_when_the_database_is_down(
    outage_client,
):
    with database_at_closed_port() as port:
        response = outage_client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["backends"]["database"] == "error: OperationalError"
    assert body["backends"]["redis"] == "ok"
    assert "database" not in body["versions"]
    assert "127.0.0.1" not in response.content.decode()
    assert str(port) not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_pages_work_again_once_the_database_is_back(outage_client):
    with database_at_closed_port():
        down = outage_client.get("/")

    up = outage_client.get("/")

    assert (down.status_code, up.status_code) == (503, 200)
