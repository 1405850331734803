import datetime

import pytest

from datasets.models import Reading

from .conftest import PARIS, UTC, energy_mean, quarter_hours, store_readings

URL = "/api/v1/readings/"


def test_readings_one_sensor_15min_for_organiser(organiser_client, october_day):
    response = organiser_client.get(
        URL,
        {
            "sensor": "PED-001",
            "metric": "pedestrians_in",
            "start": "2025-10-07",
            "end": "2025-10-08",
            "interval": "15min",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 96
    first = body["results"][0]
    assert first == {
        "period_start": "2025-10-07T00:00:00+02:00",
        "period_end": "2025-10-07T00:15:00+02:00",
        "dataset": "pedestrian-flows",
        "metric": "pedestrians_in",
        "unit": "persons",
        "sensor": "PED-001",
        "street": "rue-des-batignolles",
        "value": 1.0,
        "count": 1,
    }
    assert body["results"][-1]["period_start"] == "2025-10-07T23:45:00+02:00"
    assert body["next"] is None
    assert body["meta"]["by"] == "sensor"
    assert response["Cache-Control"].startswith("private")


def test_readings_15min_anonymous_forbidden_with_reason(client, october_day):
    response = client.get(
        URL, {"sensor": "PED-001", "interval": "15min", "start": "2025-10-07"}
    )
    assert response.status_code == 403
    body = response.json()
    assert body["errors"][0]["parameter"] == "interval"
    assert body["errors"][0]["allowed"] == ["hour", "day"]
    assert "demandent une clé d’API" in body["detail"]


def test_readings_street_hourly_avg_combines_sensors(client, october_day):
    response = client.get(
        URL,
        {
            "street": "rue-des-batignolles",
            "dataset": "pedestrian-flows",
            "metric": "pedestrians_in",
            "start": "2025-10-07",
            "end": "2025-10-08",
            "interval": "hour",
            "agg": "avg",
        },
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 24
    # PED-001 (1.0) and PED-002 (2.0): 8 readings per hour, mean 1.5.
    assert rows[0]["value"] == 1.5
    assert rows[0]["count"] == 8
    assert rows[0]["sensor"] is None
    assert rows[0]["period_start"] == "2025-10-07T00:00:00+02:00"
    assert rows[0]["period_end"] == "2025-10-07T01:00:00+02:00"


@pytest.mark.parametrize(
    ("agg", "expected"),
    [("sum", 1 * 96 + 2 * 96 + 3 * 96), ("avg", 2.0), ("min", 1.0), ("max", 3.0)],
)
def test_readings_dataset_daily_aggregations(client, october_day, agg, expected):
    response = client.get(
        URL,
        {
            "dataset": "pedestrian-flows",
            "metric": "pedestrians_in",
            "start": "2025-10-01",
            "end": "2025-11-01",
            "interval": "day",
            "agg": agg,
        },
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["period_start"], row["value"]) for row in rows] == [
        ("2025-10-07T00:00:00+02:00", expected)
    ]
    assert rows[0]["count"] == 288


def test_readings_by_sensor_hourly_sum(client, october_day):
    response = client.get(
        URL,
        {
            "dataset": "pedestrian-flows",
            "metric": "pedestrians_in",
            "start": "2025-10-07T08:00",
            "end": "2025-10-07T09:00",
            "by": "sensor",
        },
    )
    rows = response.json()["results"]
    assert [(row["sensor"], row["value"]) for row in rows] == [
        ("PED-001", 4.0),
        ("PED-002", 8.0),
        ("PED-003", 12.0),
    ]
    assert {row["period_start"] for row in rows} == {"2025-10-07T08:00:00+02:00"}


def test_readings_by_street_daily_sum(client, october_day):
    response = client.get(
        URL,
        {
            "metric": "pedestrians_in",
            "start": "2025-10-07",
            "end": "2025-10-08",
            "interval": "day",
            "agg": "sum",
            "by": "street",
        },
    )
    rows = response.json()["results"]
    assert sorted((row["street"], row["value"]) for row in rows) == [
        ("rue-des-batignolles", 288.0),
        ("rue-des-dames", 288.0),
    ]


def test_readings_decibel_average_is_energetic(client, october_day):
    response = client.get(
        URL,
        {
            "sensor": "SND-001",
            "start": "2025-10-07",
            "end": "2025-10-08",
            "interval": "day",
        },
    )
    rows = response.json()["results"]
    assert len(rows) == 1
    assert rows[0]["metric"] == "laeq"
    assert rows[0]["value"] == round(energy_mean([50.0, 60.0]), 3)
    assert rows[0]["value"] != 55.0


def test_readings_decibel_average_across_sensors_at_15min(
    organiser_client, october_day
):
    response = organiser_client.get(
        URL,
        {
            "dataset": "sound-levels",
            "start": "2025-10-07T00:00",
            "end": "2025-10-07T00:30",
            "interval": "15min",
        },
    )
    rows = response.json()["results"]
    assert [row["value"] for row in rows] == [60.0, 50.0]


def test_readings_sum_of_decibels_refused(client, october_day):
    response = client.get(URL, {"dataset": "sound-levels", "agg": "sum"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["parameter"] == "agg"
    assert error["allowed"] == ["avg", "min", "max"]


@pytest.mark.parametrize(
    ("query", "parameter", "allowed"),
    [
        ({"interval": "week"}, "interval", ["15min", "hour", "day"]),
        ({"agg": "median"}, "agg", ["avg", "sum", "min", "max"]),
        ({"by": "city"}, "by", ["sensor", "street", "all"]),
        ({"start": "yesterday"}, "start", None),
        ({"start": "2025-10-08", "end": "2025-10-07"}, "end", None),
        ({"page_size": "0"}, "page_size", None),
        ({"cursor": "not-a-cursor"}, "cursor", None),
        ({"sensors": "PED-001"}, "sensors", None),
        ({"sensor": "PED-999"}, "sensor", ["PED-001", "PED-002", "PED-003", "SND-001"]),
        (
            {"street": "rue-inconnue"},
            "street",
            ["rue-des-batignolles", "rue-des-dames"],
        ),
        ({"dataset": "weather"}, "dataset", ["pedestrian-flows", "sound-levels"]),
        (
            {"dataset": "pedestrian-flows", "metric": "laeq"},
            "metric",
            ["pedestrians_in", "pedestrians_out"],
        ),
        ({"format": "xml"}, "format", ["json", "csv"]),
    ],
)
def test_readings_bad_parameter_names_it(client, world, query, parameter, allowed):
    response = client.get(URL, query)
    assert response.status_code == 400
    body = response.json()
    error = body["errors"][0]
    assert error["parameter"] == parameter
    assert body["detail"] == error["message"]
    if allowed is not None:
        assert error["allowed"] == allowed


def test_readings_oversized_range_states_limit(organiser_client, world):
    response = organiser_client.get(
        URL, {"interval": "15min", "start": "2025-01-01", "end": "2025-03-01"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["parameter"] == "end"
    assert "au plus 31 jours par requête" in body["detail"]
    hourly = organiser_client.get(
        URL, {"interval": "hour", "start": "2024-01-01", "end": "2025-03-01"}
    )
    assert "au plus 366 jours par requête" in hourly.json()["detail"]


def test_readings_csv_format(client, october_day):
    response = client.get(
        URL,
        {
            "sensor": "PED-002",
            "metric": "pedestrians_in",
            "start": "2025-10-07",
            "end": "2025-10-07T02:00",
            "format": "csv",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "period_start,period_end,dataset,metric,unit,sensor,street,value,count",
        "2025-10-07T00:00:00+02:00,2025-10-07T01:00:00+02:00,pedestrian-flows,"
        "pedestrians_in,persons,PED-002,rue-des-batignolles,8,4",
        "2025-10-07T01:00:00+02:00,2025-10-07T02:00:00+02:00,pedestrian-flows,"
        "pedestrians_in,persons,PED-002,rue-des-batignolles,8,4",
    ]


def _dst_day(world, day):
    start = datetime.datetime.combine(day, datetime.time(0), PARIS).astimezone(UTC)
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(0), PARIS
    ).astimezone(UTC)
    # The day before and after too, so wrong buckets would show.
    before = start - datetime.timedelta(hours=2)
    after = end + datetime.timedelta(hours=2)
    store_readings(
        [(world["ped1"], world["ped_in"], t, 1.0) for t in quarter_hours(before, after)]
    )


@pytest.mark.parametrize(
    ("day", "quarters", "offsets"),
    [
        (datetime.date(2025, 3, 30), 92, ("+01:00", "+02:00")),
        (datetime.date(2025, 10, 26), 100, ("+02:00", "+01:00")),
    ],
)
def test_readings_daily_buckets_follow_paris_days_across_dst(
    client, world, day, quarters, offsets
):
    _dst_day(world, day)
    response = client.get(
        URL,
        {
            "sensor": "PED-001",
            "metric": "pedestrians_in",
            "interval": "day",
            "agg": "sum",
            "start": day.isoformat(),
            "end": (day + datetime.timedelta(days=1)).isoformat(),
        },
    )
    rows = response.json()["results"]
    assert len(rows) == 1
    assert rows[0]["value"] == quarters
    assert rows[0]["period_start"] == f"{day.isoformat()}T00:00:00{offsets[0]}"
    next_day = (day + datetime.timedelta(days=1)).isoformat()
    assert rows[0]["period_end"] == f"{next_day}T00:00:00{offsets[1]}"
    hourly = client.get(
        URL,
        {
            "sensor": "PED-001",
            "metric": "pedestrians_in",
            "interval": "hour",
            "start": day.isoformat(),
            "end": (day + datetime.timedelta(days=1)).isoformat(),
        },
    ).json()["results"]
    assert len(hourly) == quarters // 4
    assert [row["period_start"][-6:] for row in hourly[:2]] == [offsets[0]] * 2
    assert hourly[-1]["period_start"][-6:] == offsets[1]


def test_readings_cursor_pages_over_changing_data(
    client, october_day, django_capture_on_commit_callbacks
):
    query = {
        "dataset": "pedestrian-flows",
        "start": "2025-10-07",
        "end": "2025-10-08",
        "by": "sensor",
        "page_size": 50,
    }
    seen = []
    page = client.get(URL, query).json()
    seen += page["results"]
    # New readings arrive while the client pages: one hour after the first
    # page (must appear), one hour before it (already passed: not repeated).
    world = october_day
    late = datetime.datetime(2025, 10, 7, 22, tzinfo=PARIS).astimezone(UTC)
    early = datetime.datetime(2025, 10, 6, 22, tzinfo=PARIS).astimezone(UTC)
    # The new sensor is committed (which renews the catalogue's version).
    with django_capture_on_commit_callbacks(execute=True):
        extra = SensorFactoryLike.make(world)
    store_readings(
        [
            (extra, world["ped_in"], late, 7.0),
            (extra, world["ped_in"], early, 7.0),
        ]
    )
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += page["results"]
    keys = [(r["period_start"], r["sensor"], r["metric"]) for r in seen]
    assert len(keys) == len(set(keys))
    assert len(keys) == 24 * 3 * 2 + 1
    assert ("2025-10-07T22:00:00+02:00", "PED-009", "pedestrians_in") in keys
    assert keys == sorted(keys, key=lambda k: (k[0], int(k[1][4:]), k[2]))


class SensorFactoryLike:
    @staticmethod
    def make(world):
        from tests.datasets.factories import SensorFactory

        return SensorFactory(
            code="PED-009", street=world["dames"], datasets=[world["pedestrians"]]
        )


def test_readings_past_range_cached_with_etag(client, october_day):
    query = {
        "sensor": "PED-001",
        "metric": "pedestrians_in",
        "start": "2025-10-07",
        "end": "2025-10-08",
    }
    first = client.get(URL, query)
    assert first["Cache-Control"] == "public, max-age=86400"
    etag = first["ETag"]
    # The body is served from the cache: a change in the table does not show
    # (past periods do not change) and no query runs.
    Reading.objects.all().delete()
    again = client.get(URL, {**query, "start": "2025-10-07T00:00:00+02:00"})
    assert again.content == first.content
    not_modified = client.get(URL, query, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304


def test_readings_current_range_short_max_age(client, world):
    response = client.get(URL, {"dataset": "pedestrian-flows"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response.json()["results"] == []


@pytest.mark.parametrize("sensors", [1, 3])
def test_readings_query_count_constant(
    client, warm_catalogue, django_assert_num_queries, sensors
):
    codes = ",".join(f"PED-00{n}" for n in range(1, sensors + 1))
    # The catalogue is in memory: one query, the values.
    with django_assert_num_queries(1):
        response = client.get(
            URL,
            {
                "sensor": codes,
                "metric": "pedestrians_in",
                "start": "2025-10-07",
                "end": "2025-10-08",
            },
        )
    assert len(response.json()["results"]) == 24 * sensors


def test_readings_daily_pages_with_date_cursor(client, october_day):
    store_readings(
        [
            (
                october_day["ped1"],
                october_day["ped_in"],
                datetime.datetime(2025, 10, day, 12, tzinfo=PARIS).astimezone(UTC),
                1.0,
            )
            for day in (8, 9)
        ]
    )
    query = {
        "sensor": "PED-001",
        "metric": "pedestrians_in",
        "interval": "day",
        "start": "2025-10-01",
        "end": "2025-11-01",
        "page_size": 2,
    }
    first = client.get(URL, query).json()
    assert [r["period_start"][:10] for r in first["results"]] == [
        "2025-10-07",
        "2025-10-08",
    ]
    second = client.get(first["next"]).json()
    assert [r["period_start"][:10] for r in second["results"]] == ["2025-10-09"]
    assert second["next"] is None


def test_readings_metrics_of_two_datasets_without_dataset(client, october_day):
    rows = client.get(
        URL,
        {
            "metric": "pedestrians_in,laeq",
            "interval": "day",
            "start": "2025-10-07",
            "end": "2025-10-08",
        },
    ).json()["results"]
    assert [(r["dataset"], r["metric"]) for r in rows] == [
        ("pedestrian-flows", "pedestrians_in"),
        ("sound-levels", "laeq"),
    ]
    assert rows[0]["value"] == 576.0


def test_readings_link_header_for_next_page(client, october_day):
    response = client.get(
        URL,
        {
            "sensor": "PED-001",
            "metric": "pedestrians_in",
            "start": "2025-10-07",
            "end": "2025-10-08",
            "page_size": 5,
        },
    )
    body = response.json()
    assert len(body["results"]) == 5
    assert response["Link"] == f'<{body["next"]}>; rel="next"'
    assert body["next"].startswith("http://testserver/api/v1/readings/?cursor=")
