import datetime

import pytest
from django.http import QueryDict

from datasets.api.params import (
    ParameterError,
    ceil_day,
    floor_instant,
    next_boundary,
    parse_instant,
    parse_readings_params,
)

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-10-07", datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)),
        ("2025-01-07", datetime.datetime(2025, 1, 6, 23, tzinfo=UTC)),
        ("2025-10-07T08:30", datetime.datetime(2025, 10, 7, 6, 30, tzinfo=UTC)),
        ("2025-10-07T08:30:00Z", datetime.datetime(2025, 10, 7, 8, 30, tzinfo=UTC)),
        # An unencoded "+" arrives as a space.
        (
            "2025-10-07T08:30:00 02:00",
            datetime.datetime(2025, 10, 7, 6, 30, tzinfo=UTC),
        ),
        (
            "2025-10-07T08:30:00+02:00",
            datetime.datetime(2025, 10, 7, 6, 30, tzinfo=UTC),
        ),
    ],
)
def test_parse_instant_forms(raw, expected):
    assert parse_instant("start", raw) == expected


def test_parse_instant_rejects_words():
    with pytest.raises(ParameterError) as error:
        parse_instant("start", "last week")
    assert error.value.errors[0]["parameter"] == "start"


def test_day_boundaries_across_dst():
    spring = datetime.datetime(2025, 3, 30, 12, tzinfo=UTC)
    start = floor_instant(spring, "day")
    end = next_boundary(spring, "day")
    assert start == datetime.datetime(2025, 3, 29, 23, tzinfo=UTC)
    assert end - start == datetime.timedelta(hours=23)
    autumn = datetime.datetime(2025, 10, 26, 12, tzinfo=UTC)
    assert next_boundary(autumn, "day") - floor_instant(
        autumn, "day"
    ) == datetime.timedelta(hours=25)


def test_ceil_day_counts_buckets_starting_in_range():
    midnight = datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)  # 7 Oct 00:00 Paris
    assert ceil_day(midnight) == datetime.date(2025, 10, 7)
    assert ceil_day(midnight + datetime.timedelta(minutes=1)) == datetime.date(
        2025, 10, 8
    )


def test_defaults_without_range():
    now = datetime.datetime(2025, 10, 7, 10, 7, tzinfo=UTC)
    params = parse_readings_params(QueryDict(""), now=now)
    assert params.interval == "hour"
    assert params.by == "all"
    assert params.end == datetime.datetime(2025, 10, 7, 11, tzinfo=UTC)
    assert params.start == datetime.datetime(2025, 9, 30, 11, tzinfo=UTC)


def test_start_only_spans_the_default_length():
    now = datetime.datetime(2025, 12, 1, tzinfo=UTC)
    params = parse_readings_params(QueryDict("start=2025-10-07&interval=day"), now=now)
    assert params.end - params.start == datetime.timedelta(days=31)


def test_same_query_written_differently_shares_cache_key():
    one = parse_readings_params(
        QueryDict("sensor=PED-002,PED-001&start=2025-10-07&end=2025-10-08")
    )
    two = parse_readings_params(
        QueryDict(
            "sensor=PED-001&sensor=PED-002&start=2025-10-07T00:00:00%2B02:00"
            "&end=2025-10-07T22:00:00Z"
        )
    )
    assert one.cache_key_parts() == two.cache_key_parts()
