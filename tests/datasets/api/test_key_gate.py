"""Issue 11, keys: the format and its checksum, each refusal, the per-grant
limits under concurrency on the real Redis, the unknown-key bucket, the
trusted-proxy address of every limiter, cache headers, last use, metering."""

import ipaddress
import threading
import zlib

import pytest
from django.test import Client
from django.utils import timezone

from datasets.access import keys, metering
from datasets.access.models import ApiKey, ApiKeyUsage, DataGrant
from datasets.access.services import issue_api_key, revoke_api_key
from portal.clientip import client_ip

URL = "/api/v1/readings/"
ONE_DAY_15MIN = {
    "sensor": "PED-001",
    "metric": "pedestrians_in",
    "start": "2025-10-07",
    "end": "2025-10-08",
    "interval": "15min",
}


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def issued(grant, holder):
    key, token = issue_api_key(grant, name="serveur de prod", actor=holder)
    return key, token


# --- the format ---------------------------------------------------------------


def test_key_format_checksum_and_only_the_digest_stored(issued):
    key, token = issued
    assert keys.TOKEN_RE.match(token)
    assert len(token) == 51
    assert token.startswith(f"obk_{key.prefix}_")
    body, check = token[:-6], token[-6:]
    crc = zlib.crc32(body.encode())
    digits = "".join(keys.BASE62[(crc // 62**power) % 62] for power in range(5, -1, -1))
    assert check == digits
    stored = ApiKey.objects.filter(pk=key.pk).values()[0]
    assert token not in {str(value) for value in stored.values()}
    assert stored["digest"] == keys.digest_of(token)
    assert keys.problem_of_token(token) is None


def test_one_changed_character_fails_the_checksum():
    token, _prefix, _digest = keys.new_token()
    position = 20
    swapped = "B" if token[position] != "B" else "C"
    typo = token[:position] + swapped + token[position + 1 :]
    assert keys.problem_of_token(typo) == keys.BAD_CHECKSUM
    assert keys.problem_of_token("obk_0123abcd_tooshort") == keys.MALFORMED


def test_legacy_keys_follow_the_setting(settings):
    legacy = "obk_0123abcd_" + "a-" * 16
    assert keys.problem_of_token(legacy) is None
    settings.API_ACCEPT_LEGACY_KEYS = False
    assert keys.problem_of_token(legacy) == keys.MALFORMED


# --- the refusals ------------------------------------------------------------


def _refusal(client, token=None, *, query=None, **extra):
    headers = bearer(token) if token else {"HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.get(URL, query or ONE_DAY_15MIN, **headers, **extra)
    body = response.json()
    return response.status_code, body["code"], body["detail"]


def test_bad_checksum_refused_without_database_or_redis(
    client, issued, django_assert_num_queries, monkeypatch
):
    _key, token = issued
    typo = token[:-1] + ("x" if token[-1] != "x" else "y")

    def no_round_trip(*args, **kwargs):
        raise AssertionError("no Redis round trip for a bad checksum")

    monkeypatch.setattr("datasets.api.fastcache.exchange", no_round_trip)
    with django_assert_num_queries(0):
        status, code, detail = _refusal(client, typo)
    assert (status, code) == (401, "key_bad_checksum")
    assert detail.startswith("This API key is mistyped")


def test_key_in_the_query_string_refused(client, issued):
    _key, token = issued
    status, code, detail = _refusal(client, query={**ONE_DAY_15MIN, "key": token})
    assert (status, code) == (401, "key_in_query_string")
    assert "query string" in detail
    status, code, _detail = _refusal(
        client, query={**ONE_DAY_15MIN, "api_key": "whatever"}
    )
    assert (status, code) == (401, "key_in_query_string")


def test_revoked_key_refused_saying_so(client, issued, holder):
    key, token = issued
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    revoke_api_key(key, actor=holder)
    keys.fastcache.delete(keys.cache_key(key.digest))  # on_commit in tests
    status, code, detail = _refusal(client, token)
    assert (status, code) == (401, "key_revoked")
    assert detail.startswith("This API key was revoked")


def test_expired_key_refused_saying_so(client, issued):
    key, token = issued
    ApiKey.objects.filter(pk=key.pk).update(
        expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    status, code, _detail = _refusal(client, token)
    assert (status, code) == (401, "key_expired")


def test_expiry_bites_on_a_cached_record(client, issued):
    key, token = issued
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    cached = keys.fastcache.get(keys.cache_key(key.digest))
    keys.fastcache.set(
        keys.cache_key(key.digest),
        keys.KeyAccess(**{**cached.__dict__, "expires_at": 1.0}),
        60,
    )
    status, code, _detail = _refusal(client, token)
    assert (status, code) == (401, "key_expired")


def test_suspended_grant_refused_with_403(client, issued):
    key, token = issued
    DataGrant.objects.filter(pk=key.grant_id).update(suspended_at=timezone.now())
    status, code, detail = _refusal(client, token)
    assert (status, code) == (403, "grant_suspended")
    assert "suspended" in detail


def test_dataset_outside_the_keys_subset_refused(client, issued, world):
    key, token = issued
    # The grant reads pedestrian flows; this key only sound levels (none of
    # the grant's): nothing is left for it.
    key.datasets.set([world["sound"]])
    response = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert response.status_code == 403
    assert response.json()["errors"][0]["parameter"] == "dataset"
    assert response.json()["errors"][0]["allowed"] == []


def test_key_subset_narrows_the_grant(grant, holder, world):
    grant.datasets.add(world["sound"])
    key, token = issue_api_key(grant, name="bruit", actor=holder)
    key.datasets.set([world["sound"]])
    access = keys.load_access(key.digest)
    assert access.datasets == frozenset({"sound-levels"})


def test_outside_ip_ranges_refused_with_403(client, issued):
    key, token = issued
    ApiKey.objects.filter(pk=key.pk).update(allowed_networks=["198.51.100.0/24"])
    status, code, _detail = _refusal(client, token, REMOTE_ADDR="203.0.113.9")
    assert (status, code) == (403, "key_outside_ip_ranges")
    inside = client.get(
        URL, ONE_DAY_15MIN, **bearer(token), REMOTE_ADDR="198.51.100.20"
    )
    assert inside.status_code == 200


def test_unknown_key_refused_saying_so(client, world):
    token, _prefix, _digest = keys.new_token()
    status, code, _detail = _refusal(client, token)
    assert (status, code) == (401, "key_unknown")


# --- limits -------------------------------------------------------------------


def _limits(grant, *, per_minute, per_day):
    DataGrant.objects.filter(pk=grant.pk).update(
        requests_per_minute=per_minute, requests_per_day=per_day
    )


def test_per_minute_limit_of_the_grant_with_headers(client, grant, issued):
    _key, token = issued
    _limits(grant, per_minute=3, per_day=1000)
    responses = [client.get(URL, ONE_DAY_15MIN, **bearer(token)) for _n in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[0]["RateLimit-Limit"] == "3"
    assert responses[0]["RateLimit-Remaining"] == "2"
    assert responses[2]["RateLimit-Remaining"] == "0"
    assert responses[0]["RateLimit-Policy"] == "3;w=60"
    assert 1 <= int(responses[3]["Retry-After"]) <= 60


def test_twice_the_limit_at_once_lets_exactly_the_limit_through(client, grant, issued):
    _key, token = issued
    _limits(grant, per_minute=10_000, per_day=21)
    # The first request fills the key's record and the answer's cache: the
    # others need no database, as in production.
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    statuses = []
    lock = threading.Lock()
    start = threading.Barrier(40)

    def one():
        own = Client()
        start.wait()
        status = own.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one) for _n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 20 + [429] * 20


def test_unknown_keys_counted_per_address_without_queries(
    client, world, settings, django_assert_num_queries
):
    settings.API_BAD_KEY_RATE = "3/min"
    for _n in range(3):
        token, _prefix, _digest = keys.new_token()
        status, code, _detail = _refusal(client, token, REMOTE_ADDR="203.0.113.5")
        assert (status, code) == (401, "key_unknown")
    with django_assert_num_queries(0):
        for _n in range(5):
            token, _prefix, _digest = keys.new_token()
            response = client.get(
                URL, ONE_DAY_15MIN, **bearer(token), REMOTE_ADDR="203.0.113.5"
            )
            assert response.status_code == 429
    # Another address has its own bucket.
    token, _prefix, _digest = keys.new_token()
    status, code, _detail = _refusal(client, token, REMOTE_ADDR="203.0.113.6")
    assert (status, code) == (401, "key_unknown")


def test_bad_checksums_counted_per_address(client, world, settings):
    settings.API_BAD_KEY_RATE = "2/min"
    token, _prefix, _digest = keys.new_token()
    typo = token[:-1] + ("x" if token[-1] != "x" else "y")
    statuses = [
        client.get(URL, ONE_DAY_15MIN, **bearer(typo)).status_code for _n in range(3)
    ]
    assert statuses == [401, 401, 429]


# --- the client's address -------------------------------------------------------


class _Request:
    def __init__(self, remote, forwarded=""):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("count", "proxies", "forwarded", "expected"),
    [
        (0, [], "1.2.3.4", "10.0.0.1"),
        (1, [], "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, [], "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, [], "", "10.0.0.1"),
        (0, ["10.0.0.0/8"], "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
    ],
)
def test_client_ip_trusts_only_our_proxies(
    settings, count, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(_Request("10.0.0.1", forwarded)) == expected
    ipaddress.ip_address(expected)


def test_spoofed_forwarded_for_escapes_no_api_limit(client, world, settings):
    settings.API_ANON_RATE = "2/min"
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.get(
            "/api/v1/streets/",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.18.0.{n}, 203.0.113.7",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Behind the proxy, another client is another bucket (not the proxy's).
    other = client.get(
        "/api/v1/streets/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 200


def test_spoofed_forwarded_for_escapes_no_api_limit_without_proxy(
    client, world, settings
):
    settings.API_ANON_RATE = "2/min"
    statuses = [
        client.get("/api/v1/streets/", HTTP_X_FORWARDED_FOR=f"198.18.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_spoofed_forwarded_for_escapes_no_feedback_limit(client, db, settings):
    from datasets.services import seed_catalogue

    seed_catalogue()
    settings.DATASETS_FEEDBACK_PER_HOUR = 2
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(2):
        client.post(
            "/en/donnees/capteurs/PED-001/",
            {"message": f"Message {n}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.18.0.{n}, 203.0.113.7",
        )
    third = client.post(
        "/en/donnees/capteurs/PED-001/",
        {"message": "A third remark"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.18.0.99, 203.0.113.7",
    )
    assert "several messages in a short time" in third.content.decode()
    other = client.post(
        "/en/donnees/capteurs/PED-001/",
        {"message": "From another resident"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 302


def test_spoofed_forwarded_for_escapes_no_login_limit(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.post(
            "/comptes/login/",
            {"login": user.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.18.0.{n}, 203.0.113.7",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    other = client.post(
        "/comptes/login/",
        {"login": user.email, "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 200


# --- caching, last use, metering ----------------------------------------------


def test_latest_with_a_key_is_never_publicly_cacheable(client, issued):
    _key, token = issued
    response = client.get(
        "/api/v1/latest/", {"dataset": "pedestrian-flows"}, **bearer(token)
    )
    assert response.status_code == 200
    assert response.json()["interval"] == "15min"
    assert response["Cache-Control"] == "private, max-age=60"
    assert "Authorization" in response["Vary"]
    assert "X-API-Key" in response["Vary"]
    anonymous = client.get("/api/v1/latest/", {"dataset": "pedestrian-flows"})
    assert anonymous["Cache-Control"] == "public, max-age=60"


def test_revocation_bites_on_a_cached_answer(
    client, issued, holder, django_capture_on_commit_callbacks
):
    key, token = issued
    assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_key(key, actor=holder)
    response = client.get(URL, ONE_DAY_15MIN, **bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "key_revoked"


def test_last_use_written_at_most_once_a_minute(client, issued):
    key, token = issued
    assert key.last_used_at is None
    client.get(URL, ONE_DAY_15MIN, **bearer(token))
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    client.get(URL, ONE_DAY_15MIN, **bearer(token))
    key.refresh_from_db()
    assert key.last_used_at == first


def test_metering_totals_after_a_burst(client, grant, issued, holder):
    key, token = issued
    _other, other_token = issue_api_key(grant, name="second", actor=holder)
    for _n in range(7):
        assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
    for _n in range(3):
        assert client.get("/api/v1/streets/", **bearer(other_token)).status_code == 200
    assert metering.flush_api_usage() == 2
    totals = dict(
        ApiKeyUsage.objects.filter(day=metering.paris_day()).values_list(
            "key__name", "requests"
        )
    )
    assert totals == {"serveur de prod": 7, "second": 3}
