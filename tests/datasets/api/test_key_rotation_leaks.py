"""Issue 11, keys: rotation with a chosen overlap (frozen clock), leak
reports (page and API), the lifecycle emails, and no key in logs or emails."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from datasets.access import keys
from datasets.access.models import ApiKey
from datasets.access.rotation import rotate_api_key
from datasets.access.services import issue_api_key, revoke_api_key
from portal.audit.models import AuditEvent
from portal.logfilters import RedactApiKeys
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import TeamMemberFactory
from tests.conftest import make_user
from tests.datasets.conftest import make_grant

READINGS = "/api/v1/readings/"
ONE_DAY_15MIN = {
    "sensor": "PED-001",
    "metric": "pedestrians_in",
    "start": "2025-10-07",
    "end": "2025-10-08",
    "interval": "15min",
}


@pytest.fixture
def grant(holder, october_day, organiser):
    grant = make_grant(holder, [october_day["pedestrians"]], organiser)
    # A second member of the team, told too.
    TeamMemberFactory(
        application=grant.project.application,
        user=make_user("paul@example.org", language="fr"),
    )
    return grant


@pytest.fixture
def issued(grant, holder):
    return issue_api_key(grant, name="serveur de prod", actor=holder)


def _status(client, token):
    return client.get(
        READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION=f"Bearer {token}"
    ).status_code


def _emails(kind_key):
    return list(
        OutgoingEmail.objects.filter(idempotency_key__startswith=kind_key).order_by(
            "to"
        )
    )


# --- rotation -----------------------------------------------------------------


@pytest.mark.parametrize("hours", [0, 1, 72, 168])
def test_rotation_overlap_with_a_frozen_clock(client, issued, holder, hours):
    key, token = issued
    key.allowed_networks = ["127.0.0.0/8"]
    key.save(update_fields=["allowed_networks"])
    with freeze_time("2025-10-20 10:00:00+00:00"):
        new_key, new_token = rotate_api_key(
            key, actor=holder, overlap=datetime.timedelta(hours=hours)
        )
    key.refresh_from_db()
    assert key.replaced_by == new_key
    assert key.expires_at == datetime.datetime(
        2025, 10, 20, 10, tzinfo=datetime.UTC
    ) + datetime.timedelta(hours=hours)
    assert new_key.allowed_networks == ["127.0.0.0/8"]
    assert new_key.expires_at == key.grant.expires_at
    keys.fastcache.delete(keys.cache_key(key.digest))
    if hours:
        with freeze_time(key.expires_at - datetime.timedelta(seconds=1)):
            assert _status(client, token) == 200
            assert _status(client, new_token) == 200
    keys.fastcache.delete(keys.cache_key(key.digest))
    with freeze_time(key.expires_at + datetime.timedelta(seconds=1)):
        assert _status(client, token) == 401
        assert _status(client, new_token) == 200


@pytest.mark.parametrize(
    "overlap", [datetime.timedelta(days=8), -datetime.timedelta(1)]
)
def test_rotation_overlap_out_of_range_refused(issued, holder, overlap):
    key, _token = issued
    with pytest.raises(ValidationError):
        rotate_api_key(key, actor=holder, overlap=overlap)
    assert ApiKey.objects.count() == 1


def test_rotation_page_offers_the_overlap(client, issued, holder):
    key, _token = issued
    client.force_login(holder)
    with translation.override("en"):
        url = reverse("access:key_rotate", kwargs={"pk": key.pk})
    page = client.get(url).content.decode()
    assert '<option value="0">None: the old key stops at once</option>' in page
    assert '<option value="168">7 days</option>' in page
    response = client.post(url, {"overlap_hours": "0"}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "is refused from now on" in response.content.decode()
    key.refresh_from_db()
    assert key.expires_at <= timezone.now()
    bad = client.post(
        reverse("access:key_rotate", kwargs={"pk": key.replaced_by_id}),
        {"overlap_hours": "999"},
    )
    assert bad.status_code == 400


def test_rotation_emails_the_team_once_without_the_key(issued, holder):
    key, token = issued
    new_key, new_token = rotate_api_key(
        key, actor=holder, overlap=datetime.timedelta(hours=1)
    )
    emails = _emails(f"api-key:{key.pk}:rotated:")
    assert [email.to for email in emails] == ["ines@example.org", "paul@example.org"]
    english = emails[0]
    assert english.subject == (
        f"API key “serveur de prod” (obk_{key.prefix}_…) rotated"
    )
    assert f"obk_{new_key.prefix}_…" in english.body
    for email in emails:
        assert token not in email.body + email.subject
        assert new_token not in email.body + email.subject
        assert keys.ANY_TOKEN_RE.search(email.body) is None


def test_revocation_emails_the_team(issued, holder):
    key, token = issued
    revoke_api_key(key, actor=holder)
    revoke_api_key(key, actor=holder)
    emails = _emails(f"api-key:{key.pk}:revoked:")
    assert len(emails) == 2
    assert all(token not in email.body for email in emails)


# --- leaks --------------------------------------------------------------------


def test_leak_page_revokes_at_once_and_tells_the_team(client, issued):
    key, token = issued
    assert _status(client, token) == 200
    with translation.override("en"):
        url = reverse("access:leak_report")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "keys": f"found in a commit: {token} (line 12)",
            "where": "https://git.example/x/commit/1",
        },
    )
    assert response.status_code == 200
    assert "it is now revoked" in response.content.decode()
    assert token not in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None and key.reported_at is not None
    keys.fastcache.delete(keys.cache_key(key.digest))  # on_commit, in tests
    assert _status(client, token) == 401
    event = AuditEvent.objects.get(verb="api_key.reported")
    assert event.data["prefix"] == key.prefix
    assert event.data["where"] == "https://git.example/x/commit/1"
    emails = _emails(f"api-key:{key.pk}:reported:")
    assert len(emails) == 2
    assert "reported as leaked and revoked" in emails[0].subject
    assert all(token not in email.body for email in emails)


def test_leak_page_answers_the_same_for_an_unknown_key(client, issued):
    key, _token = issued
    unknown, _prefix, _digest = keys.new_token()
    with translation.override("en"):
        url = reverse("access:leak_report")
    response = client.post(url, {"keys": unknown})
    assert response.status_code == 200
    assert "it is now revoked" in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None
    assert not AuditEvent.objects.filter(verb="api_key.reported").exists()


def test_leak_page_refuses_text_without_a_key(client, db):
    with translation.override("en"):
        url = reverse("access:leak_report")
    response = client.post(url, {"keys": "hello"})
    assert response.status_code == 400
    assert "No OpenBatignolles API key in this text" in response.content.decode()


def test_leak_api_endpoint(client, issued):
    key, token = issued
    response = client.post(
        "/api/v1/keys/leaked/",
        {"keys": [token], "where": "https://paste.example/1"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 202
    assert response.json()["detail"].startswith("Received.")
    key.refresh_from_db()
    assert key.revoked_at is not None
    bad = client.post(
        "/api/v1/keys/leaked/",
        {"keys": 12},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["parameter"] == "keys"


def test_leak_reports_are_limited_per_address(client, db, settings):
    settings.LEAK_REPORTS_PER_HOUR = 2
    unknown, _prefix, _digest = keys.new_token()
    statuses = [
        client.post(
            "/api/v1/keys/leaked/",
            {"keys": [unknown]},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"198.18.0.{n}",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [202, 202, 429]


# --- never in logs ------------------------------------------------------------


def test_no_key_in_captured_logs(client, issued, holder, caplog, settings):
    key, token = issued
    caplog.set_level(logging.DEBUG)
    client.get(READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(READINGS, {**ONE_DAY_15MIN, "key": token})  # in the address
    client.get(READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION=f"Bearer {token}x")
    client.post(
        "/api/v1/keys/leaked/", {"keys": [token]}, content_type="application/json"
    )
    client.get(READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert caplog.records  # 401s and the like were logged
    assert token not in caplog.text
    assert token[13:45] not in caplog.text


def test_log_filter_redacts_a_key_in_any_message(issued):
    _key, token = issued
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "Not Found: /api/?key=%s", (token,), None
    )
    RedactApiKeys().filter(record)
    assert token not in record.getMessage()
    assert record.getMessage() == f"Not Found: /api/?key={token[:13]}[redacted]"


def test_key_events_read_as_sentences(issued, holder):
    from datasets.access.key_events import describe_key_event

    key, _token = issued
    new_key, _new = rotate_api_key(key, actor=holder, overlap=datetime.timedelta(0))
    event = AuditEvent.objects.get(verb="api_key.rotated")
    with translation.override("en"):
        assert describe_key_event(event) == (
            f"Key obk_{key.prefix}_… replaced by obk_{new_key.prefix}_…; "
            "the old key stopped at once."
        )
