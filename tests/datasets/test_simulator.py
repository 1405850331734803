import datetime
from collections import defaultdict

from datasets.simulator import simulate

UTC = datetime.UTC


def series(start, end, codes):
    values = defaultdict(dict)
    for code, metric, moment, value in simulate(start, end, codes=codes):
        values[(code, metric)][moment] = value
    return values


def test_simulate_is_deterministic_and_independent_of_chunking():
    start = datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)
    middle = start + datetime.timedelta(hours=7, minutes=15)
    end = start + datetime.timedelta(days=1)
    codes = {"PED-001", "SND-003", "LUM-002", "PRK-004", "VEH-005"}

    whole = list(simulate(start, end, codes=codes))
    pieces = list(simulate(start, middle, codes=codes)) + list(
        simulate(middle, end, codes=codes)
    )

    assert sorted(whole) == sorted(pieces)
    assert whole == list(simulate(start, end, codes=codes))
    assert whole != list(simulate(start, end, codes=codes, seed=18))


def test_simulate_pedestrians_peak_on_weekday_rush_hours():
    # Tuesday 7 October 2025, Paris (UTC+2).
    start = datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)
    values = series(start, start + datetime.timedelta(days=1), {"PED-001"})
    hourly = defaultdict(float)
    for moment, value in values[("PED-001", "pedestrians_in")].items():
        hourly[(moment.hour + 2) % 24] += value

    assert hourly[8] > 3 * hourly[15] / 2
    assert hourly[18] > hourly[15]
    assert hourly[3] < hourly[8] / 10


def test_simulate_noise_is_quiet_at_night_and_loud_by_day():
    start = datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)
    values = series(start, start + datetime.timedelta(days=1), {"SND-001"})
    laeq = values[("SND-001", "laeq")]
    night = [v for m, v in laeq.items() if 1 <= (m.hour + 2) % 24 < 5]
    day = [v for m, v in laeq.items() if 10 <= (m.hour + 2) % 24 < 17]

    assert 42 <= min(night) and max(night) <= 48
    assert 60 <= min(day) and max(day) <= 72


def test_simulate_dims_lights_between_one_and_five():
    start = datetime.datetime(2025, 12, 9, 23, tzinfo=UTC)
    values = series(start, start + datetime.timedelta(days=1), {"LUM-003"})
    level = values[("LUM-003", "dimming_level")]
    deep_night = [v for m, v in level.items() if 1 <= (m.hour + 1) % 24 < 5]
    evening = [v for m, v in level.items() if 18 <= (m.hour + 1) % 24 < 23]
    noon = [v for m, v in level.items() if 11 <= (m.hour + 1) % 24 < 14]

    assert deep_night and all(30 <= v <= 100 for v in deep_night)
    assert sum(deep_night) / len(deep_night) < 60
    assert set(evening) == {100.0}
    assert set(noon) == {0.0}


def test_simulate_fills_delivery_bays_in_the_morning():
    # PRK-002's zone PZ-002 is a delivery bay.
    start = datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)
    values = series(start, start + datetime.timedelta(days=1), {"PRK-002"})
    rate = values[("PRK-002", "occupancy_rate")]
    morning = [v for m, v in rate.items() if 8 <= (m.hour + 2) % 24 < 11]
    night = [v for m, v in rate.items() if 0 <= (m.hour + 2) % 24 < 5]

    assert sum(morning) / len(morning) >= 75
    assert sum(night) / len(night) <= 25


def test_simulate_sends_nothing_for_a_sensor_under_maintenance():
    start = datetime.datetime(2025, 10, 6, 22, tzinfo=UTC)

    assert (
        list(simulate(start, start + datetime.timedelta(hours=6), codes={"SND-025"}))
        == []
    )
