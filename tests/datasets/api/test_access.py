import pytest
from django.test import RequestFactory

from datasets.api import access
from portal.accounts.models import OrganiserRole


@pytest.fixture
def session_request(client, organiser, settings):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(organiser)

    def make():
        request = RequestFactory().get("/api/v1/readings/")
        request.user = organiser
        request.session = client.session
        return request

    return make


def test_anonymous_is_open(rf, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert access.resolve_access(request) == "open"


def test_user_without_role_is_open(rf, user):
    request = rf.get("/")
    request.user = user
    assert access.resolve_access(request) == "open"


def test_organiser_is_fine_and_remembered_in_session(
    session_request, organiser, django_assert_num_queries
):
    request = session_request()
    assert access.resolve_access(request) == "fine"
    level, user_id, _expires = request.session[access.SESSION_KEY]
    assert (level, user_id) == ("fine", organiser.pk)
    # Same session, next request: no organiser query.
    again = session_request()
    again.session = request.session
    again.user = type(organiser).objects.get(pk=organiser.pk)
    with django_assert_num_queries(0):
        assert access.resolve_access(again) == "fine"


def test_withdrawn_role_applies_once_remembered_level_expires(
    session_request, organiser, monkeypatch
):
    request = session_request()
    assert access.resolve_access(request) == "fine"
    OrganiserRole.objects.filter(user=organiser).delete()
    later = session_request()
    later.session = request.session
    later.user = type(organiser).objects.get(pk=organiser.pk)
    monkeypatch.setattr(
        access.time, "time", lambda: 10**10
    )  # far after the remembered expiry
    assert access.resolve_access(later) == "open"


@pytest.mark.parametrize(
    ("level", "interval", "allowed"),
    [
        ("open", "hour", True),
        ("open", "day", True),
        ("open", "15min", False),
        ("fine", "15min", True),
        ("fine", "hour", True),
        ("unknown", "hour", False),
    ],
)
def test_can_read_interval(level, interval, allowed):
    assert access.can_read_interval(level, interval) is allowed
