"""The uncached readings path (issue 14): one query per answer, pinned, and
the directly built values query returns what the ORM queryset returns."""

import datetime
import itertools

import pytest
from django.db import connection

from datasets.access.services import issue_api_key
from datasets.api import catalogue, readings
from datasets.api.params import parse_readings_params

from .conftest import PARIS, UTC, quarter_hours, store_readings

URL = "/api/v1/readings/"


@pytest.fixture
def token(grant, holder):
    _key, token = issue_api_key(grant, name="client", actor=holder)
    return token


def _more_days(world, days):
    """PED-001..3 pedestrians_in for ``days`` more Paris days from 2025-10-08."""
    start = datetime.datetime(2025, 10, 8, tzinfo=PARIS).astimezone(UTC)
    end = start + datetime.timedelta(days=days)
    sensors = [world["ped1"], world["ped2"], world["ped3"]]
    store_readings(
        [
            (sensor, world["ped_in"], moment, float(number))
            for number, sensor in enumerate(sensors, start=1)
            for moment in quarter_hours(start, end)
        ]
    )


@pytest.mark.parametrize("days", [1, 3])
def test_uncached_answers_are_one_query_each(
    client, warm_catalogue, token, django_assert_num_queries, days
):
    _more_days(warm_catalogue, days)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    # The key's record is read once, then kept in Redis.
    assert client.get(URL, {"sensor": "PED-003", "interval": "hour"}, **auth)
    end = str(datetime.date(2025, 10, 8) + datetime.timedelta(days=days))
    requests = [
        # A sensor-day of 15-minute values, with the key.
        {"sensor": "PED-001", "metric": "pedestrians_in", "interval": "15min"},
        # A street over the days, hourly averages.
        {
            "street": "rue-des-batignolles",
            "dataset": "pedestrian-flows",
            "interval": "hour",
            "agg": "avg",
        },
        # The dataset's daily sums.
        {"dataset": "pedestrian-flows", "interval": "day", "agg": "sum"},
    ]
    for query in requests:
        with django_assert_num_queries(1):
            response = client.get(
                URL, {**query, "start": "2025-10-07", "end": end}, **auth
            )
        assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [
        row["period_start"][:10] for row in rows if row["metric"] == ("pedestrians_in")
    ] == [
        str(datetime.date(2025, 10, 7) + datetime.timedelta(n)) for n in range(days + 1)
    ]


@pytest.mark.parametrize(
    ("interval", "by", "selection"),
    list(
        itertools.product(
            ["15min", "hour", "day"],
            ["sensor", "street", "all"],
            [
                {"sensor": "PED-001,PED-002"},
                {"street": "rue-des-dames"},
                {"dataset": "pedestrian-flows"},
                {"dataset": "sound-levels"},
            ],
        )
    ),
)
def test_values_sql_returns_what_the_queryset_returns(
    warm_catalogue, interval, by, selection
):
    params = parse_readings_params(
        {"interval": interval, "by": by, "start": "2025-10-07", **selection}
    )
    chosen = readings.resolve_selection(params, catalogue.current())
    expected = [tuple(row) for row in readings.readings_queryset(params, chosen)]
    sql, arguments = readings.values_sql(params, chosen, limit=10_000)
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        assert cursor.fetchall() == expected
    assert expected  # the world has values for every case
    after = expected[len(expected) // 2][: 2 if by == "all" else 3]
    rest = [
        tuple(row) for row in readings.readings_queryset(params, chosen, after=after)
    ]
    sql, arguments = readings.values_sql(params, chosen, after=after, limit=10_000)
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        assert cursor.fetchall() == rest == expected[len(expected) // 2 + 1 :]
