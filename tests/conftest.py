import os

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from portal.accounts.models import OrganiserRole, User


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate limits, throttles)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_url():
    """The real Redis named by REDIS_URL.

    In CI (``CI`` set) a missing Redis fails the test; on a laptop without
    Redis the test is skipped with the reason shown.
    """
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set in CI: the real Redis is required.")
        pytest.skip("REDIS_URL is not set: this test needs the real Redis.")
    return url


def make_user(email, *, verified=True, password="correct-horse-battery", **extra):
    user = User.objects.create_user(email=email, password=password, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def user(db):
    return make_user("lea@example.org", full_name="Léa Fontaine")


@pytest.fixture
def other_user(db):
    return make_user("mehdi@example.org", full_name="Mehdi Haddad")


@pytest.fixture
def organiser(db):
    person = make_user("claire@example.org", full_name="Claire Martin")
    OrganiserRole.objects.create(user=person)
    return person


@pytest.fixture
def organiser_client(client, organiser, settings):
    """A client logged in as an organiser, two-factor requirement off."""
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(organiser)
    return client
