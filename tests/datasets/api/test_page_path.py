"""The page path (issue 14: periods formatted by PostgreSQL, rows built from
text) answers exactly what the export's path (the ORM queryset, datetimes
formatted by Python) answers: on both DST days, across the year boundary and
for a sensor with gaps, for every interval and grouping, page by page."""

import datetime
import itertools

import pytest

from datasets.api import catalogue, readings
from datasets.api.pagination import decode_cursor, encode_cursor
from datasets.api.params import parse_readings_params

from .conftest import PARIS, UTC, quarter_hours, store_readings


def _paris(day, hour=0):
    return datetime.datetime.combine(day, datetime.time(hour), PARIS).astimezone(UTC)


@pytest.fixture
def awkward_days(world):
    """Both DST days, the year boundary, and PED-003 with gaps on 2 June."""
    rows = []
    spans = [
        (datetime.date(2025, 3, 29), datetime.date(2025, 3, 31)),
        (datetime.date(2025, 10, 25), datetime.date(2025, 10, 27)),
        (datetime.date(2024, 12, 31), datetime.date(2025, 1, 2)),
    ]
    for first, last in spans:
        for number, sensor in enumerate([world["ped1"], world["ped2"]], start=1):
            for index, moment in enumerate(quarter_hours(_paris(first), _paris(last))):
                rows.append(
                    (sensor, world["ped_in"], moment, float(index % 9 + number))
                )
                rows.append((sensor, world["ped_out"], moment, float(index % 5)))
        for index, moment in enumerate(quarter_hours(_paris(first), _paris(last))):
            # Decibels: energy means in the grouped answers.
            rows.append((world["snd1"], world["laeq"], moment, 50.0 + index % 11))
    gap_day = datetime.date(2025, 6, 2)
    for moment in quarter_hours(_paris(gap_day), _paris(gap_day, 23)):
        if not 3 <= moment.astimezone(PARIS).hour < 6:
            rows.append((world["ped3"], world["ped_out"], moment, 2.5))
    store_readings(rows)
    catalogue.bump_version()
    return world


RANGES = [
    ("2025-03-30", "2025-03-31"),
    ("2025-10-26", "2025-10-27"),
    ("2024-12-31T22:00:00+01:00", "2025-01-01T02:00:00+01:00"),
    ("2024-12-30", "2025-01-02"),
    ("2025-06-02", "2025-06-03"),
]
SELECTIONS = [
    {"sensor": "PED-001,PED-002,PED-003"},
    {"street": "rue-des-batignolles"},
    {"dataset": "pedestrian-flows"},
    {"dataset": "sound-levels", "metric": "laeq"},
]


def _export_rows(params, selection):
    raw = readings.readings_queryset(params, selection)
    return [row for _key, row in readings.build_rows(raw, params, selection)]


@pytest.mark.parametrize("span", RANGES)
def test_page_path_answers_what_the_export_path_answers(awkward_days, span):
    cases = itertools.product(["15min", "hour", "day"], ["sensor", "street", "all"])
    for (interval, by), chosen in itertools.product(cases, SELECTIONS):
        query = {"interval": interval, "by": by, "start": span[0], "end": span[1]}
        _check_paths_agree(query | chosen, by)


def _check_paths_agree(query, by):
    params = parse_readings_params(query)
    selection = readings.resolve_selection(params, catalogue.current())
    expected = _export_rows(params, selection)

    rows, next_key = readings.fetch_page(params, selection)
    assert next_key is None
    assert rows == expected, query

    # Page by page (7 rows a page): the same rows, none twice.
    pages = []
    cursor = None
    size = 2 if by == "all" else 3
    while True:
        paged = parse_readings_params(
            query | {"page_size": "7"} | ({"cursor": cursor} if cursor else {})
        )
        page, next_key = readings.fetch_page(paged, selection)
        pages += page
        if next_key is None:
            break
        cursor = encode_cursor(next_key)
        assert decode_cursor(cursor, size=size) == tuple(next_key)
    assert pages == expected, query


def test_awkward_days_have_their_written_out_bounds(awkward_days):
    params = parse_readings_params(
        {
            "sensor": "PED-001",
            "metric": "pedestrians_in",
            "interval": "hour",
            "start": "2025-10-26",
            "end": "2025-10-27",
        }
    )
    selection = readings.resolve_selection(params, catalogue.current())
    rows, _next = readings.fetch_page(params, selection)
    # 25 hours on the day summer time ends: 02:00 comes twice.
    assert len(rows) == 25
    assert [(r["period_start"], r["period_end"]) for r in rows[1:4]] == [
        ("2025-10-26T01:00:00+02:00", "2025-10-26T02:00:00+02:00"),
        ("2025-10-26T02:00:00+02:00", "2025-10-26T02:00:00+01:00"),
        ("2025-10-26T02:00:00+01:00", "2025-10-26T03:00:00+01:00"),
    ]
    daily = parse_readings_params(
        {
            "sensor": "PED-001",
            "metric": "pedestrians_in",
            "interval": "day",
            "start": "2025-03-29",
            "end": "2025-03-31",
        }
    )
    rows, _next = readings.fetch_page(daily, selection)
    assert [(r["period_start"], r["period_end"], r["count"]) for r in rows] == [
        ("2025-03-29T00:00:00+01:00", "2025-03-30T00:00:00+01:00", 96),
        ("2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 92),
    ]


def test_a_small_bounds_memo_answers_the_same(awkward_days, monkeypatch):
    """The memo of formatted bounds is emptied when full: same answers."""
    monkeypatch.setattr(readings, "BOUNDS_MEMO_SIZE", 5)
    for memo in readings._bounds_memo.values():
        memo.clear()
    for interval, by in (("15min", "sensor"), ("hour", "street"), ("day", "all")):
        query = {"interval": interval, "by": by, "start": "2025-10-25"}
        _check_paths_agree(query | {"end": "2025-10-27"} | SELECTIONS[0], by)
        assert 0 < len(readings._bounds_memo[interval]) <= 5
