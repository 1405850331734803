"""API keys on the API: what a key reads, and how fast a revocation bites."""

import datetime

import pytest
from django.core.cache import cache
from freezegun import freeze_time
from redis.connection import Connection

from datasets.access import keys
from datasets.access.models import ApiKey
from datasets.access.personal_data import erase_for, export_for
from datasets.access.services import (
    change_data_grant,
    issue_api_key,
    revoke_api_key,
    revoke_data_grant,
    rotate_api_key,
)

URL = "/api/v1/readings/"
ONE_DAY_15MIN = {
    "sensor": "PED-001",
    "metric": "pedestrians_in",
    "start": "2025-10-07",
    "end": "2025-10-08",
    "interval": "15min",
}
SOUND_15MIN = {"dataset": "sound-levels", "start": "2025-10-07", "interval": "15min"}


@pytest.fixture
def token(grant, holder):
    _key, token = issue_api_key(grant, name="serveur de prod", actor=holder)
    return token


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_key_reads_15min_values_of_its_grant(client, token):
    response = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 96
    assert results[0]["period_start"] == "2025-10-07T00:00:00+02:00"
    assert results[0]["value"] == 1.0
    assert response["Cache-Control"].startswith("private")


def test_key_accepted_in_x_api_key_header(client, token):
    response = client.get(URL, ONE_DAY_15MIN, HTTP_X_API_KEY=token)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 96


def test_key_refused_for_a_dataset_outside_its_grant(client, token):
    response = client.get(URL, SOUND_15MIN, **bearer(token), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    body = response.json()
    assert body["errors"][0]["parameter"] == "dataset"
    assert body["errors"][0]["allowed"] == ["pedestrian-flows"]
    assert "15-minute values of sound-levels" in body["detail"]


def test_scope_holds_when_the_answer_is_already_cached(client, organiser_client, token):
    # An organiser's request puts the sound-levels answer in the cache first.
    assert organiser_client.get(URL, SOUND_15MIN).status_code == 200
    response = client.get(URL, SOUND_15MIN, **bearer(token))
    assert response.status_code == 403
    assert response.json()["errors"][0]["parameter"] == "dataset"


def test_key_reads_hourly_values_of_any_dataset(client, token):
    response = client.get(URL, {**SOUND_15MIN, "interval": "hour"}, **bearer(token))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 24


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ({"HTTP_AUTHORIZATION": "Bearer obk_nothex00_" + "a" * 32}, "key_malformed"),
        ({"HTTP_AUTHORIZATION": "Bearer obk_0123abcd_tooshort"}, "key_malformed"),
        ({"HTTP_X_API_KEY": "not-a-key"}, "key_malformed"),
        # The old format (no checksum) is still looked up: unknown.
        ({"HTTP_AUTHORIZATION": "Bearer obk_0123abcd_" + "a" * 32}, "key_unknown"),
    ],
)
@pytest.mark.parametrize("path", [URL, "/api/v1/datasets/", "/api/v1/latest/"])
def test_dead_key_answers_401_everywhere(client, world, header, code, path):
    response = client.get(path, **header, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="OpenBatignolles API"'
    assert response.json()["code"] == code


def test_dead_key_message_in_french_by_default(client, world):
    response = client.get(URL, HTTP_X_API_KEY="obk_0123abcd_" + "b" * 32)
    assert response.json()["detail"].startswith("Cette clé d’API est inconnue")


def test_other_authorization_schemes_are_ignored(client, october_day):
    response = client.get(
        URL,
        {"dataset": "pedestrian-flows", "start": "2025-10-07", "end": "2025-10-08"},
        HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz",
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 48  # hourly, as for anyone


def test_revoked_key_refused_on_the_next_request(
    client, token, holder, real_redis_cache, django_capture_on_commit_callbacks
):
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    digest = keys.digest_of(token)
    assert isinstance(cache.get(keys.cache_key(digest)), keys.KeyAccess)
    key = ApiKey.objects.get(digest=digest)
    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_key(key, actor=holder)
    assert cache.get(keys.cache_key(digest)) is None
    response = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert response.status_code == 401
    # Refused on the other endpoints too, and remembered as dead.
    assert client.get("/api/v1/streets/", **bearer(token)).status_code == 401
    assert cache.get(keys.cache_key(digest)) == keys.REVOKED


def test_revoked_grant_revokes_its_keys(
    client, grant, token, organiser, django_capture_on_commit_callbacks
):
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        revoke_data_grant(grant, reason="Charte non respectée", actor=organiser)
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 401
    grant.refresh_from_db()
    assert grant.revoke_reason == "Charte non respectée"
    assert list(grant.keys.values_list("revoked_at", flat=True)) == [grant.revoked_at]


def test_key_expires_with_its_grant_even_when_cached(client, grant, token):
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    with freeze_time(grant.expires_at + datetime.timedelta(seconds=1)):
        response = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert response.status_code == 401


def test_grant_change_applies_at_once(
    client, grant, token, organiser, october_day, django_capture_on_commit_callbacks
):
    assert client.get(URL, SOUND_15MIN, **bearer(token)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        change_data_grant(
            grant,
            datasets=[october_day["pedestrians"], october_day["sound"]],
            expires_at=grant.expires_at,
            actor=organiser,
        )
    response = client.get(URL, SOUND_15MIN, **bearer(token))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 96


def test_rotated_key_works_for_a_day_then_stops(client, grant, token, holder):
    old = ApiKey.objects.get(digest=keys.digest_of(token))
    new_key, new_token = rotate_api_key(old, actor=holder)
    assert new_key.name == "serveur de prod"
    assert client.get(URL, ONE_DAY_15MIN, **bearer(new_token)).status_code == 200
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    old.refresh_from_db()
    assert old.replaced_by == new_key
    with freeze_time(old.expires_at + datetime.timedelta(seconds=1)):
        assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 401
        assert client.get(URL, ONE_DAY_15MIN, **bearer(new_token)).status_code == 200


def test_rate_limit_counts_per_key(client, grant, token, holder, settings):
    settings.API_KEY_RATE = "2/min"
    settings.API_ANON_RATE = "100/min"
    _other, other_token = issue_api_key(grant, name="tests", actor=holder)
    statuses = [
        client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code for _n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert client.get(URL, ONE_DAY_15MIN, **bearer(other_token)).status_code == 200
    assert client.get("/api/v1/streets/", **bearer(other_token)).status_code == 200
    # The anonymous allowance of the same address is untouched.
    assert client.get("/api/v1/streets/")["RateLimit-Remaining"] == "99"


def test_cached_request_with_a_key_is_one_redis_round_trip_and_no_query(
    client, token, real_redis_cache, django_assert_num_queries, monkeypatch
):
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    sent = []
    original = Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counting)
    with django_assert_num_queries(0):
        response = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 96
    assert len(sent) == 1


def test_latest_with_a_key_is_fine_only_for_granted_datasets(client, token):
    granted = client.get(
        "/api/v1/latest/", {"dataset": "pedestrian-flows"}, **bearer(token)
    ).json()
    other = client.get("/api/v1/latest/", {"dataset": "sound-levels"}, **bearer(token))
    assert granted["interval"] == "15min"
    assert other.json()["interval"] == "hour"


def test_export_with_a_key(client, token):
    response = client.get("/api/v1/readings/export.csv", ONE_DAY_15MIN, **bearer(token))
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 97  # header and 96 quarter hours
    refused = client.get("/api/v1/readings/export.csv", SOUND_15MIN, **bearer(token))
    assert refused.status_code == 403


def test_erasing_the_holder_revokes_access_and_exports_it_first(
    client, holder, grant, token, django_capture_on_commit_callbacks
):
    exported = export_for(holder)["data_access"]
    assert exported == [
        {
            "project": "Trottoirs vivants",
            "datasets": ["pedestrian-flows"],
            "granted_at": grant.created_at.isoformat(),
            "expires_at": grant.expires_at.isoformat(),
            "revoked_at": None,
            "keys": [
                {
                    "name": "serveur de prod",
                    "prefix": token.split("_")[1],
                    "created_at": ApiKey.objects.get().created_at.isoformat(),
                    "expires_at": grant.expires_at.isoformat(),
                    "revoked_at": None,
                }
            ],
        }
    ]
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        erased = erase_for(holder)
    assert erased["data_grants_revoked"] == 1
    assert erased["api_keys_revoked"] == 1
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 401
