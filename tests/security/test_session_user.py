"""A session brings its user: one query reads both (portal.accounts.sessions),
and every check of Django's still refuses whom it refused."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts.models import Session, User
from portal.accounts.services import erase_user
from portal.accounts.sessions import SessionStore, get_user
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def signed_in_session(user, backend="portal.accounts.backends.ModelBackend"):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def request_with(session_key):
    request = RequestFactory().get("/mon-compte/")
    request.session = SessionStore(session_key)
    return request


@pytest.mark.parametrize(
    "backend",
    [
        "portal.accounts.backends.ModelBackend",
        "portal.accounts.backends.AuthenticationBackend",
    ],
)
def test_the_session_and_its_user_are_read_in_one_query(backend):
    lea = make_user("lea@example.org", full_name="Léa Fontaine")
    request = request_with(signed_in_session(lea, backend))

    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        again = get_user(request)

    assert (user.pk, user.email, user.full_name) == (
        lea.pk,
        "lea@example.org",
        "Léa Fontaine",
    )
    assert again is user
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert '"accounts_session"' in sql and '"accounts_user"' in sql


def test_an_inactive_account_is_signed_out():
    lea = make_user("lea@example.org")
    request = request_with(signed_in_session(lea))
    User.objects.filter(pk=lea.pk).update(is_active=False)

    assert get_user(request).is_authenticated is False


def test_a_password_change_ends_the_other_sessions():
    lea = make_user("lea@example.org")
    key = signed_in_session(lea)
    lea.set_password("a-new-long-passphrase")
    lea.save()

    request = request_with(key)

    assert get_user(request).is_authenticated is False
    assert Session.objects.filter(session_key=key).exists() is False


def test_a_backend_no_longer_configured_signs_out():
    lea = make_user("lea@example.org")
    request = request_with(
        signed_in_session(lea, backend="django.contrib.auth.backends.ModelBackend")
    )

    assert get_user(request).is_authenticated is False


def test_a_session_without_a_user_is_anonymous_and_its_row_names_no_one():
    store = SessionStore()
    store["language"] = "en"
    store.save()

    request = request_with(store.session_key)

    assert get_user(request).is_authenticated is False
    assert Session.objects.get(session_key=store.session_key).user_id is None


def test_the_row_follows_login_and_logout(client):
    lea = make_user("lea@example.org", password=PASSWORD)

    client.post("/comptes/login/", {"login": "lea@example.org", "password": PASSWORD})
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page = client.get("/mon-compte/")

    assert Session.objects.get(session_key=key).user_id == lea.pk
    assert "lea@example.org" in page.content.decode()

    client.post("/comptes/logout/")

    assert Session.objects.filter(user=lea).exists() is False


def test_erasing_an_account_signs_it_out_everywhere():
    lea = make_user("lea@example.org")
    other = make_user("paul@example.org")
    phone, laptop = signed_in_session(lea), signed_in_session(lea)
    kept = signed_in_session(other)

    erase_user(lea, actor=lea)

    assert Session.objects.filter(session_key__in=[phone, laptop]).exists() is False
    assert list(Session.objects.values_list("session_key", flat=True)) == [kept]
    assert get_user(request_with(phone)).is_authenticated is False


def test_the_user_read_with_the_session_is_the_whole_account():
    lea = make_user("lea@example.org", full_name="Léa Fontaine", language="en")
    request = request_with(signed_in_session(lea))

    user = get_user(request)
    stored = User.objects.get(pk=lea.pk)

    assert [getattr(user, f.attname) for f in User._meta.concrete_fields] == [
        getattr(stored, f.attname) for f in User._meta.concrete_fields
    ]
    assert user.language == "en"
    assert user.date_joined.tzinfo is not None
    assert user._state.adding is False and user._state.db == "default"


def test_an_expired_session_starts_empty_under_a_new_key():
    lea = make_user("lea@example.org")
    key = signed_in_session(lea)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    request = request_with(key)

    assert get_user(request).is_authenticated is False
    assert request.session.session_key is None
    assert dict(request.session) == {}
