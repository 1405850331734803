"""The Django admin and the back-office guard."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import ResolverMatch

from portal.accounts.middleware import guarded_area
from tests.conftest import make_user

PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff(db):
    return make_user("admin@example.org", is_staff=True, is_superuser=True)


def with_totp(user):
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/django-admin/", "/django-admin/login/", "/en/django-admin/"]
)
def test_anonymous_admin_visitors_are_sent_to_allauths_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].split("?")[0] in (
        "/comptes/login/",
        "/en/comptes/login/",
    )


@pytest.mark.django_db
def test_the_admins_own_login_form_never_signs_anyone_in(client, staff):
    response = client.post(
        "/django-admin/login/",
        {"username": "admin@example.org", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_goes_through_allauths_failure_limit(client, staff):
    for _ in range(5):
        client.post(
            "/comptes/login/?next=/django-admin/",
            {"login": "admin@example.org", "password": "wrong"},
        )

    response = client.post(
        "/comptes/login/?next=/django-admin/",
        {"login": "admin@example.org", "password": PASSWORD},
    )

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert client.get("/django-admin/").status_code == 302


@pytest.mark.django_db
def test_a_staff_password_alone_does_not_open_the_admin(client, staff, settings):
    settings.PORTAL_REQUIRE_MFA = True
    client.force_login(staff)

    response = client.get("/django-admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/2fa/totp/activate/")
    assert client.get("/en/django-admin/auth/group/").status_code == 302


@pytest.mark.django_db
def test_staff_with_a_second_factor_opens_the_admin(client, staff, settings):
    settings.PORTAL_REQUIRE_MFA = True
    client.force_login(with_totp(staff))

    assert client.get("/django-admin/").status_code == 200


@pytest.mark.django_db
def test_a_signed_in_non_staff_user_gets_404_from_the_admin(client, user):
    client.force_login(with_totp(user))

    assert client.get("/django-admin/").status_code == 404
    assert client.get("/django-admin/login/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/gestion/",
        "/en/gestion/",
        "/gestion/appels/",
        "/en/gestion/appels/",
        "/gestion/donnees/acces/",
        "/en/gestion/donnees/acces/",
        "/jury/",
        "/en/jury/",
        "/gestion/courriels/",
    ],
)
def test_the_back_office_answers_404_to_a_resident_in_every_language(
    client, user, path
):
    client.force_login(with_totp(user))

    assert client.get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/gestion/", "/en/jury/", "/gestion/appels/"])
def test_the_back_office_asks_anonymous_visitors_to_log_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].split("?")[0] in (
        "/comptes/login/",
        "/en/comptes/login/",
    )


def _match(route, namespaces=()):
    return ResolverMatch(
        lambda request: None, (), {}, namespaces=list(namespaces), route=route
    )


@pytest.mark.parametrize(
    ("route", "namespaces", "area"),
    [
        ("gestion/", [], "backoffice"),
        ("en/gestion/appels/", ["applications_bo"], "backoffice"),
        # A language added later: its prefix is not a string anyone listed.
        ("de/gestion/", [], "backoffice"),
        ("it/jury/<slug:slug>/", ["jury"], "backoffice"),
        ("es/nouveau/", ["workshops_bo"], "backoffice"),
        ("django-admin/", ["admin"], "admin"),
        ("de/django-admin/auth/", ["admin"], "admin"),
        ("donnees/mes-acces/", ["access"], None),
        ("appels/", ["applications"], None),
        ("", [], None),
    ],
)
def test_guarded_area_follows_the_resolver_match(settings, route, namespaces, area):
    settings.LANGUAGES = [("fr", "Français"), ("en", "English"), ("de", "Deutsch")]

    assert guarded_area(_match(route, namespaces)) == area
