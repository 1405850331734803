"""Sessions and logins: sessions in the database, rotated at login and ended
at logout (with the autosave tokens), cookie flags, personal-data downloads
never cached, and login and password-reset limits counted on the client's
real address, still holding with Redis unreachable."""

import json

import pytest
from django.conf import settings as django_settings
from django.test import Client

from applications.services import submit_application
from applications.views.common import make_draft_token
from portal import cache as portal_cache
from portal.accounts.models import Session
from portal.accounts.sessions import SessionStore
from tests.applications.factories import ApplicationFactory, make_complete_application
from tests.conftest import make_user

PASSWORD = "correct-horse-battery"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
TOO_MANY = "Trop de tentatives de connexion échouées."


def login(client, email, password=PASSWORD, **extra):
    return client.post(
        "/comptes/login/", {"login": email, "password": password}, **extra
    )


@pytest.fixture
def person(db):
    return make_user("lea@example.org", full_name="Léa Fontaine")


@pytest.fixture
def redis_down(settings):
    """Every cache operation aims at a port where no Redis listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "KEY_PREFIX": "test-sessions",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
    portal_cache.reset_breakers()
    yield
    portal_cache.reset_breakers()


def test_sessions_are_stored_in_the_database(settings):
    assert settings.SESSION_ENGINE == "portal.accounts.sessions"
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_production_cookies_are_secure():
    from tests.portal.test_settings import run_settings

    result = run_settings(
        "portal.settings.production",
        probe=(
            "from django.conf import settings; import json; print(json.dumps("
            "[settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
            " settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE,"
            " settings.SESSION_ENGINE]))"
        ),
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_ALLOWED_HOSTS="openbatignolles.example",
        TRUSTED_PROXY_COUNT="1",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        True,
        True,
        True,
        "Lax",
        "portal.accounts.sessions",
    ]


@pytest.mark.django_db
def test_login_rotates_the_session_key_and_sets_a_safe_cookie(client, person):
    before = SessionStore()
    before["visited"] = True
    before.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = before.session_key

    response = login(client, "lea@example.org")

    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert response.status_code == 302
    assert cookie.value != before.session_key
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert Session.objects.filter(session_key=before.session_key).exists() is False
    row = Session.objects.get(session_key=cookie.value)
    assert row.get_decoded()["_auth_user_id"] == str(person.pk)
    assert row.user_id == person.pk
    assert Session.objects.filter(user=person).count() == 1


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(client, person):
    login(client, "lea@example.org")
    stolen = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    client.post("/comptes/logout/")
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get("/mon-compte/")

    assert Session.objects.filter(session_key=stolen).exists() is False
    assert response.status_code == 302
    assert response["Location"] == "/comptes/login/?next=/mon-compte/"


def _autosave(client, application, token, title):
    return client.post(
        f"/appels/candidatures/{application.reference}/enregistrer/",
        json.dumps(
            {
                "version": application.version,
                "fields": {"title": title},
                "draft_token": token,
            }
        ),
        content_type="application/json",
    )


@pytest.mark.django_db
def test_draft_token_works_after_session_expiry_but_not_after_logout(client, person):
    application = ApplicationFactory(created_by=person)
    token = make_draft_token(application, person)

    expired = _autosave(Client(), application, token, "Titre sauvé")
    login(client, "lea@example.org")
    client.post("/comptes/logout/")
    application.refresh_from_db()
    after_logout = _autosave(Client(), application, token, "Titre volé")

    application.refresh_from_db()
    assert expired.status_code == 200
    assert after_logout.status_code == 401
    assert after_logout.json()["login"] is True
    assert application.title == "Titre sauvé"


def _no_store(response):
    return "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_personal_data_downloads_are_never_stored(client, person, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = make_complete_application(created_by=person)
    submission = submit_application(application, actor=person)
    attachment = application.attachments.first()
    client.force_login(person)

    export = client.get("/mon-compte/mes-donnees/")
    receipt = client.get(
        f"/appels/candidatures/{application.reference}/recus/{submission.number}/"
    )
    download = client.get(
        f"/appels/candidatures/{application.reference}/pieces-jointes/{attachment.pk}/"
    )

    assert [r.status_code for r in (export, receipt, download)] == [200, 200, 200]
    assert [_no_store(r) for r in (export, receipt, download)] == [True, True, True]


@pytest.mark.django_db
def test_certificate_and_dossier_downloads_are_never_stored(
    client, person, organiser, settings, tmp_path, django_capture_on_commit_callbacks
):
    from applications.jury.models import Dossier
    from applications.jury.services.dossiers import build_dossier
    from tests.workshops.wafter_factories import make_workshop, register
    from workshops.services.certificates import request_certificates
    from workshops.services.checkin import check_in

    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_REQUIRE_MFA = False
    workshop = make_workshop("vie-privee")
    check_in(register(workshop, person), actor=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        request_certificates(workshop, actor=organiser)
    application = make_complete_application(created_by=person)
    submit_application(application, actor=person)
    dossier = Dossier.objects.create(call=application.call, include_scores=False)
    build_dossier(dossier)

    client.force_login(person)
    certificate = client.get(f"/agenda/{workshop.slug}/attestation/")
    client.force_login(organiser)
    archive = client.get(
        f"/gestion/jury/{application.call.slug}/dossiers/{dossier.pk}/telecharger/"
    )

    assert (certificate.status_code, archive.status_code) == (200, 200)
    assert (_no_store(certificate), _no_store(archive)) == (True, True)


@pytest.mark.django_db
def test_login_limits_count_the_real_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(10):
        login(
            client,
            f"nobody{number}@example.org",
            "wrong",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            REMOTE_ADDR="10.0.0.2",
        )

    blocked = login(
        client,
        "nobody99@example.org",
        "wrong",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        REMOTE_ADDR="10.0.0.2",
    )
    other = login(
        Client(),
        "nobody99@example.org",
        "wrong",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
        REMOTE_ADDR="10.0.0.2",
    )

    # Ten failures a minute per address: the 11th is refused, the next
    # client behind the same proxy is not.
    assert TOO_MANY in blocked.content.decode()
    assert other.status_code == 200
    assert TOO_MANY not in other.content.decode()


@pytest.mark.django_db
def test_login_works_and_stays_limited_with_redis_unreachable(
    client, person, redis_down
):
    signed_in = login(client, "lea@example.org")
    dashboard = client.get("/mon-compte/")
    client.post("/comptes/logout/")
    attacker = Client()
    answers = [
        TOO_MANY in login(attacker, "lea@example.org", "wrong").content.decode()
        for _ in range(6)
    ]

    assert signed_in.status_code == 302
    assert dashboard.status_code == 200
    # Five wrong passwords per address, then refused even with the right one.
    assert answers == [False, False, False, False, False, True]
    assert TOO_MANY in login(attacker, "lea@example.org").content.decode()
    assert "_auth_user_id" not in attacker.session


@pytest.mark.django_db
def test_password_reset_stays_limited_with_redis_unreachable(
    client, person, redis_down, mailoutbox
):
    answers = [
        client.post(
            "/comptes/password/reset/", {"email": "lea@example.org"}
        ).status_code
        for _ in range(6)
    ]

    assert answers == [302, 302, 302, 302, 302, 429]
