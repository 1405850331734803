"""A deterministic simulator of the 160 sensors, with realistic patterns.

Every value depends only on (seed, sensor code, metric, period): generating a
range in one go or in pieces yields the same readings, so overlapping
simulator runs stay idempotent. Patterns follow the programme's brief:
pedestrian peaks at 8-9h, 12-14h and 17-19h on weekdays and around the
Saturday market; less traffic on Sundays and in August; LAeq about 45 dB(A) at
night and 60-70 by day, louder evenings on bar streets; street lights dimmed
to 30-50 % between 1h and 5h with presence boosts; delivery bays full in the
morning. A few quarter hours go missing (radio losses) so quality is realistic.
"""

import datetime
import math
import zlib
from zoneinfo import ZoneInfo

from . import reference

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
QUARTER = datetime.timedelta(minutes=15)
DEFAULT_SEED = 17
_MASK = (1 << 64) - 1
VEHICLE_SHARES = [
    ("cars", 0.55),
    ("vans", 0.12),
    ("trucks", 0.03),
    ("buses", 0.03),
    ("motorbikes", 0.08),
    ("bicycles", 0.12),
    ("e_scooters", 0.07),
]
SOUND_OFFSETS = [("la10", 3.0), ("la50", -2.0), ("la90", -7.0)]
LAMPS_PER_GROUP_WATTS = 12 * 55


def _mix(value):
    """SplitMix64 finaliser: a fast, well-spread 64-bit hash."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _unit(key, period, salt=0):
    """A uniform number in [0, 1) for (series key, period index, salt)."""
    return _mix(key ^ (period * 0x100000001B3) ^ (salt << 56)) / 18446744073709551616.0


def _key(seed, code):
    return _mix(zlib.crc32(code.encode()) ^ (seed << 32))


def align(moment):
    """Floor an aware datetime to its 15-minute period (UTC)."""
    moment = moment.astimezone(UTC)
    return moment.replace(
        minute=moment.minute - moment.minute % 15, second=0, microsecond=0
    )


class _Period:
    __slots__ = (
        "start",
        "index",
        "hour",
        "weekday",
        "month",
        "day_of_year",
        "sunrise",
        "sunset",
    )

    def __init__(self, start):
        local = start.astimezone(PARIS)
        self.start = start
        self.index = int(start.timestamp()) // 900
        self.hour = local.hour + local.minute / 60
        self.weekday = local.weekday()
        self.month = local.month
        self.day_of_year = local.timetuple().tm_yday
        season = math.cos(2 * math.pi * (self.day_of_year - 172) / 365)
        # Paris: sunrise ~5:47 in June, ~8:40 in December (local clock time).
        self.sunrise = 7.2 - 1.45 * season
        self.sunset = 19.45 + 2.5 * season


def _footfall(period, market):
    """Relative pedestrian activity (1.0 = weekday peak)."""
    hour, weekday = period.hour, period.weekday
    if hour < 6:
        level = 0.03
    elif hour < 7:
        level = 0.15
    elif weekday < 5:
        if 8 <= hour < 9:
            level = 1.0
        elif 12 <= hour < 14:
            level = 0.8
        elif 17 <= hour < 19:
            level = 1.0
        elif hour >= 22:
            level = 0.12
        elif hour >= 19:
            level = 0.45
        else:
            level = 0.45
    elif weekday == 5:
        if market and 9 <= hour < 13.5:
            level = 1.3
        elif 10 <= hour < 19:
            level = 0.8
        elif hour >= 22:
            level = 0.2
        else:
            level = 0.4
    else:
        level = 0.55 if 10 <= hour < 19 else 0.15
    if period.month == 8:
        level *= 0.7
    return level


def _traffic(period):
    """Relative motor traffic (1.0 = weekday peak)."""
    hour, weekday = period.hour, period.weekday
    if hour < 5:
        level = 0.05
    elif hour < 7:
        level = 0.3
    elif weekday < 5 and (7.5 <= hour < 9.5 or 17 <= hour < 19.5):
        level = 1.0
    elif hour < 20:
        level = 0.65
    else:
        level = 0.3
    if weekday == 6:
        level *= 0.55
    elif weekday == 5:
        level *= 0.8
    if period.month == 8:
        level *= 0.7
    return level


def _occupancy(period, zone_type):
    """Expected share of occupied places for a zone type."""
    hour, weekday = period.hour, period.weekday
    if zone_type == "delivery":
        if weekday < 6 and 7 <= hour < 11.5:
            return 0.95
        if weekday < 6 and 11.5 <= hour < 19:
            return 0.5
        return 0.1
    if zone_type == "disabled":
        return 0.55 if 8 <= hour < 20 else 0.35
    if zone_type == "two_wheeler":
        return 0.75 if 8 <= hour < 19 and weekday < 5 else 0.45
    return 0.9 if 9 <= hour < 20 else 0.65


def _round(value, digits=1):
    return round(value, digits)


def sensor_specs():
    """Per-sensor simulation parameters from the reference data."""
    zones = {row["code"]: row for row in reference.zone_rows()}
    specs = []
    for row in reference.sensor_rows():
        traits = reference.STREET_TRAITS[row["street"]]
        zone = zones.get(row["parking_zone"]) if row["parking_zone"] else None
        specs.append(
            {
                "code": row["code"],
                "kind": row["kind"],
                "active": row["status"] == "active",
                "weight": traits["weight"],
                "bars": traits["bars"],
                "market": traits["market"],
                "zone_type": zone["zone_type"] if zone else None,
                "capacity": zone["capacity"] if zone else 0,
            }
        )
    return specs


def simulate(start, end, *, seed=DEFAULT_SEED, codes=None):
    """Yield ``(sensor code, metric slug, period_start, value)`` for [start, end).

    ``start`` and ``end`` are aware datetimes, floored to 15 minutes. ``codes``
    restricts the sensors (None: the 160 reference sensors; inactive ones send
    nothing). Deterministic for a seed.
    """
    start, end = align(start), align(end)
    periods = []
    moment = start
    while moment < end:
        periods.append(_Period(moment))
        moment += QUARTER
    specs = [s for s in sensor_specs() if codes is None or s["code"] in codes]
    for spec in specs:
        if not spec["active"]:
            continue
        generator = _GENERATORS[spec["kind"]]
        key = _key(seed, spec["code"])
        factor = 0.7 + 0.6 * _unit(key, 0, 99)
        for period in periods:
            # Radio losses: about 0.5 % of quarter hours, plus rare outages of
            # a few hours (one sensor-day in 60).
            if _unit(key, period.index, 1) < 0.005:
                continue
            day_index = period.index // 96
            if _unit(key, day_index, 2) < 1 / 60:
                outage_start = 4 + int(_unit(key, day_index, 3) * 14)
                if outage_start <= period.hour < outage_start + 3:
                    continue
            yield from generator(spec, key, factor, period)


def _pedestrians(spec, key, factor, period):
    level = _footfall(period, spec["market"]) * spec["weight"] * factor * 55
    level *= 0.85 + 0.3 * _unit(key, period.index, 4)
    share_in = 0.58 if period.hour < 12 else 0.44
    total = max(0, round(level))
    arriving = round(total * share_in)
    yield spec["code"], "pedestrians_in", period.start, float(arriving)
    yield spec["code"], "pedestrians_out", period.start, float(total - arriving)


def _vehicles(spec, key, factor, period):
    volume = _traffic(period) * spec["weight"] * factor * 80
    peak = 1.3 if period.weekday < 5 and 7.5 <= period.hour < 9.5 else 1.0
    for salt, (slug, share) in enumerate(VEHICLE_SHARES, start=10):
        noise = 0.8 + 0.4 * _unit(key, period.index, salt)
        boost = peak if slug in ("bicycles", "e_scooters") else 1.0
        if slug == "trucks" and (period.hour < 6 or period.hour >= 21):
            boost = 0.3
        value = max(0, round(volume * share * noise * boost))
        yield spec["code"], slug, period.start, float(value)


def _parking(spec, key, factor, period):
    capacity = spec["capacity"]
    rate = _occupancy(period, spec["zone_type"])
    rate += (_unit(key, period.index, 20) - 0.5) * 0.2
    occupied = min(capacity, max(0, round(rate * capacity)))
    yield spec["code"], "occupied", period.start, float(occupied)
    yield (
        spec["code"],
        "occupancy_rate",
        period.start,
        _round(100.0 * occupied / capacity if capacity else 0.0),
    )


def _sound(spec, key, factor, period):
    hour = period.hour
    if hour < 6:
        laeq = 45.0
    elif hour < 7:
        laeq = 52.0
    elif hour < 20:
        laeq = 60.0 + 4.0 * min(spec["weight"], 2.0) + 2.0 * _traffic(period)
    else:
        laeq = 56.0 + 2.0 * min(spec["weight"], 2.0)
    # Bar streets: busy evenings, Thursday to Saturday, until 2h.
    late = hour >= 20 or hour < 2
    if (
        spec["bars"]
        and late
        and (period.weekday in (3, 4, 5) or (hour < 2 and period.weekday in (4, 5, 6)))
    ):
        laeq += 7.0
    laeq += (_unit(key, period.index, 30) - 0.5) * 4.0
    lamax = laeq + 14.0 + 8.0 * _unit(key, period.index, 31)
    events = 0
    if lamax > 70:
        events = round((lamax - 70) * 1.5 * (0.5 + _unit(key, period.index, 32)))
    code, start = spec["code"], period.start
    yield code, "laeq", start, _round(laeq)
    yield code, "lamax", start, _round(lamax)
    for slug, offset in SOUND_OFFSETS:
        yield code, slug, start, _round(laeq + offset)
    yield code, "events_over_70", start, float(events)


def _lighting(spec, key, factor, period):
    hour = period.hour
    lit = hour < period.sunrise + 0.25 or hour >= period.sunset - 0.25
    boosts = 0
    if not lit:
        level = 0.0
    elif 1 <= hour < 5:
        level = 30.0 + 20.0 * _unit(key, period.index // 4, 40)
        walkers = _footfall(period, False) * spec["weight"] * factor * 20
        boosts = int(walkers * 2 * _unit(key, period.index, 41))
        level = min(100.0, level + 10.0 * boosts)
    else:
        level = 100.0
    power = LAMPS_PER_GROUP_WATTS * level / 100.0
    code, start = spec["code"], period.start
    yield code, "dimming_level", start, _round(level)
    yield code, "presence_boosts", start, float(boosts)
    yield code, "power", start, _round(power)
    yield code, "energy", start, round(power * 0.25 / 1000.0, 4)


_GENERATORS = {
    "pedestrian_counter": _pedestrians,
    "traffic_counter": _vehicles,
    "parking_sensor": _parking,
    "sound_level_meter": _sound,
    "lighting_controller": _lighting,
}
