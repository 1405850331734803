"""The map's data: the streets, the square and the sensors as GeoJSON, and the
same things grouped by street for the list under the map.

The map page and a Project's page draw these features with Leaflet
(``static/js/map.js``) on a plain background: no tile server, only the
portal's own catalogue. Coordinates are WGS 84, ``[lon, lat]`` as GeoJSON says.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from . import reference
from .enums import SensorKind, SensorStatus

# The order of the filter and the legend; each kind has a colour in map.css.
KINDS = [
    SensorKind.PEDESTRIAN_COUNTER,
    SensorKind.TRAFFIC_COUNTER,
    SensorKind.PARKING_SENSOR,
    SensorKind.SOUND_LEVEL_METER,
    SensorKind.LIGHTING_CONTROLLER,
]


@dataclass
class MapSensor:
    code: str
    kind: str
    kind_label: str
    url: str
    maintenance: bool


@dataclass
class MapStreet:
    slug: str
    name: str
    used: bool = False
    sensors: list = field(default_factory=list)


def length_metres(geometry):
    """The length of a LineString or MultiLineString in metres (equirectangular,
    exact enough over a few hundred metres)."""
    kind = (geometry or {}).get("type")
    coordinates = (geometry or {}).get("coordinates") or []
    lines = [coordinates] if kind == "LineString" else coordinates
    if kind not in ("LineString", "MultiLineString"):
        return 0
    total = 0.0
    for line in lines:
        for (lon1, lat1), (lon2, lat2) in zip(line, line[1:], strict=False):
            total += reference.distance_metres((lat1, lon1), (lat2, lon2))
    return total


def kind_choices():
    """The sensor types as ``(value, label)``, in the map's order."""
    labels = dict(SensorKind.choices)
    return [(kind.value, labels[kind]) for kind in KINDS]


def _coordinate(value):
    # Decimal columns: six decimals (about 10 cm) are plenty.
    return round(float(value), 6)


def streets_with_sensors(streets, sensors, *, used_street_ids=None):
    """The streets in name order, each with its sensors (code order).

    ``used_street_ids``, when given, marks the streets a Project's data comes
    from (``used``); without it every street with a sensor is ``used``.
    """
    labels = dict(SensorKind.choices)
    by_id = {s.pk: MapStreet(slug=s.slug, name=s.name) for s in streets}
    for sensor in sorted(sensors, key=lambda s: s.code):
        street = by_id.get(sensor.street_id)
        if street is None:
            continue
        street.sensors.append(
            MapSensor(
                code=sensor.code,
                kind=sensor.kind,
                kind_label=str(labels.get(sensor.kind, sensor.kind)),
                url=reverse("datasets:sensor_detail", args=[sensor.code]),
                maintenance=sensor.status == SensorStatus.MAINTENANCE,
            )
        )
    for pk, street in by_id.items():
        if used_street_ids is None:
            street.used = bool(street.sensors)
        else:
            street.used = pk in used_street_ids
    return sorted(by_id.values(), key=lambda s: s.name)


def feature_collection(streets, sensors, *, used_street_ids=None):
    """A GeoJSON FeatureCollection of the square, the streets and the sensors.

    Street features carry ``name``, ``slug``, ``sensors`` (how many are drawn)
    and ``used``; sensor features carry ``code``, ``type`` (the sensor kind),
    ``type_label`` (in the active language), ``street`` (its name), ``url``
    (the sensor's page) and ``status``.
    """
    labels = dict(SensorKind.choices)
    names = {street.pk: street.name for street in streets}
    counts = {}
    for sensor in sensors:
        counts[sensor.street_id] = counts.get(sensor.street_id, 0) + 1
    features = [
        {
            "type": "Feature",
            "geometry": reference.SQUARE["geometry"],
            "properties": {"feature": "square", "name": reference.SQUARE["name"]},
        }
    ]
    for street in sorted(streets, key=lambda s: s.name):
        features.append(
            {
                "type": "Feature",
                "geometry": street.geometry,
                "properties": {
                    "feature": "street",
                    "slug": street.slug,
                    "name": street.name,
                    "sensors": counts.get(street.pk, 0),
                    "length_m": round(length_metres(street.geometry)),
                    "used": (
                        street.pk in used_street_ids
                        if used_street_ids is not None
                        else street.pk in counts
                    ),
                },
            }
        )
    for sensor in sorted(sensors, key=lambda s: s.code):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        _coordinate(sensor.longitude),
                        _coordinate(sensor.latitude),
                    ],
                },
                "properties": {
                    "feature": "sensor",
                    "code": sensor.code,
                    "type": sensor.kind,
                    "type_label": str(labels.get(sensor.kind, sensor.kind)),
                    "street": names.get(sensor.street_id, ""),
                    "url": reverse("datasets:sensor_detail", args=[sensor.code]),
                    "status": sensor.status,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
