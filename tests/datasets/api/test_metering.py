"""The meter of the API keys: counted in Redis, copied to the database."""

import datetime

import pytest
from django.core.cache import cache
from freezegun import freeze_time

from datasets.access import keys, metering
from datasets.access.models import ApiKeyUsage
from datasets.access.services import issue_api_key
from datasets.access.tasks import flush_api_usage_task

from .test_keys import ONE_DAY_15MIN, URL, bearer


@pytest.fixture
def redis_cache(real_redis_cache):
    """The meter counts in Redis, the portal's only cache backend."""
    yield
    cache.clear()


def test_requests_are_metered_per_key_and_day(client, grant, holder, redis_cache):
    first, token = issue_api_key(grant, name="prod", actor=holder)
    second, other = issue_api_key(grant, name="tests", actor=holder)
    with freeze_time("2026-11-22 22:30:00+00:00"):  # 23:30 in Paris
        for _n in range(3):
            assert client.get(URL, ONE_DAY_15MIN, **bearer(token)).status_code == 200
        client.get("/api/v1/streets/", **bearer(token))
        client.get(URL, {"interval": "bad"}, **bearer(other))
        client.get(URL, ONE_DAY_15MIN)  # anonymous: not metered (403)
    with freeze_time("2026-11-22 23:30:00+00:00"):  # 00:30 the next Paris day
        client.get(URL, ONE_DAY_15MIN, **bearer(token))
        written = flush_api_usage_task.delay().get()
    assert written == 3
    assert sorted(ApiKeyUsage.objects.values_list("key__name", "day", "requests")) == [
        ("prod", datetime.date(2026, 11, 22), 4),
        ("prod", datetime.date(2026, 11, 23), 1),
        ("tests", datetime.date(2026, 11, 22), 1),
    ]


def test_flush_twice_writes_totals_not_increments(client, grant, holder, redis_cache):
    _key, token = issue_api_key(grant, name="prod", actor=holder)
    client.get(URL, ONE_DAY_15MIN, **bearer(token))
    metering.flush_api_usage()
    metering.flush_api_usage()
    assert ApiKeyUsage.objects.get().requests == 1
    client.get(URL, ONE_DAY_15MIN, **bearer(token))
    metering.flush_api_usage()
    assert ApiKeyUsage.objects.get().requests == 2


def test_flush_never_lowers_a_total(client, grant, holder, redis_cache):
    # Redis restarted: its counters start again from 0.
    key, token = issue_api_key(grant, name="prod", actor=holder)
    ApiKeyUsage.objects.create(key=key, day=metering.paris_day(), requests=50)
    client.get(URL, ONE_DAY_15MIN, **bearer(token))
    metering.flush_api_usage()
    assert ApiKeyUsage.objects.get().requests == 50


def test_dead_keys_are_not_recorded(client, grant, redis_cache):
    client.get(URL, ONE_DAY_15MIN, **bearer("obk_0123abcd_" + "c" * 32))
    assert metering.flush_api_usage() == 0
    assert ApiKeyUsage.objects.count() == 0


def test_usage_of_grant_is_one_query(grant, holder, django_assert_num_queries):
    key, _token = issue_api_key(grant, name="prod", actor=holder)
    issue_api_key(grant, name="unused", actor=holder)
    today = datetime.date(2026, 11, 23)
    ApiKeyUsage.objects.create(key=key, day=today, requests=7)
    ApiKeyUsage.objects.create(
        key=key, day=today - datetime.timedelta(days=2), requests=3
    )
    ApiKeyUsage.objects.create(
        key=key, day=today - datetime.timedelta(days=40), requests=9
    )
    grant = type(grant).objects.prefetch_related("keys").get(pk=grant.pk)
    with django_assert_num_queries(1):
        usage = metering.usage_of_grant(grant, days=7, today=today)
    assert usage["total"] == 10
    assert [column.name for column in usage["metrics"]] == [f"prod ({key.prefix})"]
    assert usage["table"][-1] == ("23/11/2026", [7])
    assert usage["table"][-3] == ("21/11/2026", [3])
    assert usage["chart"]["data"]["datasets"] == [
        {"label": f"prod ({key.prefix})", "data": [0, 0, 0, 0, 3, 0, 7]}
    ]


def test_metered_request_counts_the_key_digest_in_redis(
    client, grant, holder, real_redis_cache
):
    _key, token = issue_api_key(grant, name="prod", actor=holder)
    client.get(URL, ONE_DAY_15MIN, **bearer(token))
    counts = metering.fastcache.hgetall(metering.usage_hash(metering.paris_day()))
    assert counts == {keys.digest_of(token): 1}


def test_usage_chart_on_the_holder_page_and_the_grant_page(
    client, grant, holder, organiser, settings
):
    from django.utils import translation

    settings.PORTAL_REQUIRE_MFA = False
    key, _token = issue_api_key(grant, name="prod", actor=holder)
    ApiKeyUsage.objects.create(key=key, day=metering.paris_day(), requests=7)
    client.force_login(holder)
    with translation.override("en"):
        from django.urls import reverse

        mine = client.get(reverse("access:access_list")).content.decode()
        client.force_login(organiser)
        page = client.get(
            reverse("access:grant_detail", kwargs={"pk": grant.pk})
        ).content.decode()
    for html, chart_id in ((mine, f"usage-{grant.pk}"), (page, "grant-usage")):
        assert "7 requests in the last 30 days." in html
        assert f'<canvas data-chart="{chart_id}"' in html
        assert f'<script id="{chart_id}" type="application/json">' in html
        assert f"prod ({key.prefix})" in html
        assert "/static/js/charts.js" in html


def test_no_usage_says_so(client, grant, holder):
    issue_api_key(grant, name="prod", actor=holder)
    client.force_login(holder)
    html = client.get("/donnees/mes-acces/").content.decode()
    assert "Aucune requête avec ces clés ces 30 derniers jours." in html
    assert "data-chart=" not in html
