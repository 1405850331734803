"""The readings' layout (migration 0008, covering primary keys) answers exactly
what the plain primary keys answered: on DST days, across the year boundary,
for a sensor with gaps. Each query is asked under both layouts, in one
transaction (PostgreSQL's DDL is transactional), with the response cache
emptied in between, and the answers also checked against values written out.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection

from .conftest import PARIS, UTC, quarter_hours, store_readings

URL = "/api/v1/readings/"
PLAIN = (
    ("datasets_reading", "sensor_id, metric_id, period_start"),
    ("datasets_hourlyrollup", "sensor_id, metric_id, period_start"),
    ("datasets_dailyrollup", "sensor_id, metric_id, day"),
)


def _paris(day, hour=0):
    return datetime.datetime.combine(day, datetime.time(hour), PARIS).astimezone(UTC)


def _primary_keys():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text"
            " IN ('datasets_reading', 'datasets_hourlyrollup',"
            " 'datasets_dailyrollup') ORDER BY 1"
        )
        return dict(cursor.fetchall())


def _use_plain_keys():
    with connection.cursor() as cursor:
        # The deferred foreign-key checks of the rows stored above first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, columns in PLAIN:
            cursor.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, "
                f"ADD CONSTRAINT {table}_pkey PRIMARY KEY ({columns})"
            )
        cursor.execute("DROP INDEX daily_metric_day")
        cursor.execute(
            "CREATE INDEX daily_metric_day ON datasets_dailyrollup (metric_id, day)"
        )


def _both_layouts(client, queries):
    covering = []
    for query in queries:
        cache.clear()
        response = client.get(URL, query)
        assert response.status_code == 200, response.content
        covering.append(response.json())
    _use_plain_keys()
    assert "INCLUDE" not in "".join(_primary_keys().values())
    for query, expected in zip(queries, covering, strict=True):
        cache.clear()
        assert client.get(URL, query).json() == expected
    return covering


def test_covering_keys_are_in_place(db):
    assert _primary_keys() == {
        "datasets_dailyrollup": "PRIMARY KEY (sensor_id, metric_id, day) INCLUDE "
        "(count, total, minimum, maximum)",
        "datasets_hourlyrollup": "PRIMARY KEY (sensor_id, metric_id, period_start)"
        " INCLUDE (count, total, minimum, maximum)",
        "datasets_reading": "PRIMARY KEY (sensor_id, metric_id, period_start)"
        " INCLUDE (value)",
    }


def test_sensor_day_is_an_index_only_scan(october_day):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            "EXPLAIN SELECT period_start, value FROM datasets_reading"
            " WHERE sensor_id = %s AND metric_id = %s AND period_start >= %s"
            " AND period_start < %s ORDER BY period_start",
            [
                october_day["ped1"].id,
                october_day["ped_in"].id,
                _paris(datetime.date(2025, 10, 7)),
                _paris(datetime.date(2025, 10, 8)),
            ],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using datasets_reading_pkey" in plan


@pytest.mark.parametrize(
    ("day", "quarters", "first", "last"),
    [
        (
            datetime.date(2025, 3, 30),
            92,
            "2025-03-30T00:00:00+01:00",
            "2025-03-30T23:45:00+02:00",
        ),
        (
            datetime.date(2025, 10, 26),
            100,
            "2025-10-26T00:00:00+02:00",
            "2025-10-26T23:45:00+01:00",
        ),
    ],
)
def test_dst_day(organiser_client, world, day, quarters, first, last):
    before = _paris(day) - datetime.timedelta(hours=2)
    after = _paris(day + datetime.timedelta(days=1)) + datetime.timedelta(hours=2)
    store_readings(
        [
            (world["ped1"], world["ped_in"], moment, float(index % 7))
            for index, moment in enumerate(quarter_hours(before, after))
        ]
    )
    span = {"start": day.isoformat(), "end": str(day + datetime.timedelta(days=1))}
    fine, hourly, daily = _both_layouts(
        organiser_client,
        [
            {"sensor": "PED-001", "metric": "pedestrians_in", "interval": "15min"}
            | span,
            {"sensor": "PED-001", "metric": "pedestrians_in", "interval": "hour"}
            | span,
            {"sensor": "PED-001", "metric": "pedestrians_in", "interval": "day"} | span,
        ],
    )
    assert len(fine["results"]) == quarters
    assert fine["results"][0]["period_start"] == first
    assert fine["results"][-1]["period_start"] == last
    assert len(hourly["results"]) == quarters // 4
    assert [row["count"] for row in daily["results"]] == [quarters]
    # 8 readings before the day (2 hours), values 0..6 in turn.
    expected = sum((8 + index) % 7 for index in range(quarters))
    assert daily["results"][0]["value"] == expected


def test_year_boundary(organiser_client, world):
    start = _paris(datetime.date(2024, 12, 31), 20)
    end = _paris(datetime.date(2025, 1, 1), 4)
    store_readings(
        [
            (sensor, world["ped_in"], moment, float(number))
            for number, sensor in enumerate([world["ped1"], world["ped2"]], start=1)
            for moment in quarter_hours(start, end)
        ]
    )
    span = {"start": "2024-12-31T22:00:00+01:00", "end": "2025-01-01T02:00:00+01:00"}
    fine, street, daily = _both_layouts(
        organiser_client,
        [
            {"sensor": "PED-001,PED-002", "metric": "pedestrians_in"}
            | {"interval": "15min"}
            | span,
            {
                "street": "rue-des-batignolles",
                "dataset": "pedestrian-flows",
                "metric": "pedestrians_in",
                "interval": "hour",
                "agg": "sum",
            }
            | span,
            {
                "dataset": "pedestrian-flows",
                "metric": "pedestrians_in",
                "interval": "day",
                "agg": "sum",
                "start": "2024-12-31",
                "end": "2025-01-02",
            },
        ],
    )
    assert len(fine["results"]) == 2 * 16
    assert fine["results"][0]["period_start"] == "2024-12-31T22:00:00+01:00"
    assert fine["results"][-1]["period_start"] == "2025-01-01T01:45:00+01:00"
    assert [(r["period_start"], r["value"]) for r in street["results"]] == [
        ("2024-12-31T22:00:00+01:00", 12.0),
        ("2024-12-31T23:00:00+01:00", 12.0),
        ("2025-01-01T00:00:00+01:00", 12.0),
        ("2025-01-01T01:00:00+01:00", 12.0),
    ]
    # 16 quarter hours on the 31st (20h-24h) and 16 on the 1st (0h-4h).
    assert [(r["period_start"], r["value"]) for r in daily["results"]] == [
        ("2024-12-31T00:00:00+01:00", 48.0),
        ("2025-01-01T00:00:00+01:00", 48.0),
    ]


def test_sensor_with_gaps(organiser_client, world):
    day = datetime.date(2025, 6, 2)
    moments = list(quarter_hours(_paris(day), _paris(day + datetime.timedelta(1))))
    # Missing: 03:00-05:59 (12 quarter hours) and every quarter past 14h.
    kept = [
        moment
        for moment in moments
        if not 3 <= moment.astimezone(PARIS).hour < 6
        and not (moment.astimezone(PARIS).hour == 14)
    ]
    store_readings([(world["ped3"], world["ped_out"], t, 2.5) for t in kept])
    span = {"start": day.isoformat(), "end": str(day + datetime.timedelta(days=1))}
    fine, hourly, daily = _both_layouts(
        organiser_client,
        [
            {"sensor": "PED-003", "metric": "pedestrians_out", "interval": "15min"}
            | span,
            {"sensor": "PED-003", "metric": "pedestrians_out", "interval": "hour"}
            | span,
            {"sensor": "PED-003", "metric": "pedestrians_out", "interval": "day"}
            | span,
        ],
    )
    assert len(fine["results"]) == 96 - 12 - 4
    hours = [row["period_start"][11:13] for row in hourly["results"]]
    assert hours == [f"{h:02d}" for h in range(24) if h not in (3, 4, 5, 14)]
    assert [row["count"] for row in daily["results"]] == [80]
    assert daily["results"][0]["value"] == 80 * 2.5
