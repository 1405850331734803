from contextlib import contextmanager

import pytest
from allauth.account.models import EmailAddress
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from portal.accounts.models import OrganiserRole, User


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate limits, throttles) and no
    response-cache write waiting for the next API request (a test's answer
    never lands in another test's cache)."""
    from datasets.api import fastcache

    fastcache.discard_later()
    cache.clear()
    yield
    fastcache.discard_later()
    cache.clear()


@pytest.fixture
def redis_url(settings):
    """The real Redis of the suite: the embedded one, or the one ``REDIS_URL``
    names (CI). Never skipped: every run has a Redis."""
    return settings.REDIS_URL


@pytest.fixture
def real_worker(redis_url):
    """``with real_worker():`` runs a Celery worker (in a thread) consuming
    the suite's real Redis broker, tasks leaving eager mode meanwhile."""
    from portal.celery import app

    @contextmanager
    def running(shutdown_timeout=10):
        keys = ("broker_url", "result_backend", "task_always_eager")
        previous = {key: app.conf[key] for key in keys}
        app.conf.update(
            broker_url=redis_url, result_backend=redis_url, task_always_eager=False
        )
        try:
            with start_worker(
                app, perform_ping_check=False, shutdown_timeout=shutdown_timeout
            ):
                yield
        finally:
            app.conf.update(previous)

    return running


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
