"""A plan of the streets and sensors as server-side SVG, from the stored GeoJSON.

An equirectangular projection around the area's mean latitude: at this scale
(about 1.5 km) it keeps angles and distances within a fraction of a percent,
and needs no map library and no tile server.
"""

import math
from dataclasses import dataclass, field

from django.urls import reverse

from .enums import SensorKind

WIDTH = 1000
MARGIN = 30
KIND_COLOURS = {
    SensorKind.PEDESTRIAN_COUNTER: "#1d4f91",
    SensorKind.TRAFFIC_COUNTER: "#c0392b",
    SensorKind.PARKING_SENSOR: "#1e7b4f",
    SensorKind.SOUND_LEVEL_METER: "#8a5a00",
    SensorKind.LIGHTING_CONTROLLER: "#6b3fa0",
}


@dataclass
class PlanStreet:
    slug: str
    name: str
    path: str
    sensors: list = field(default_factory=list)


@dataclass
class PlanSensor:
    code: str
    kind: str
    kind_label: str
    x: float
    y: float
    colour: str
    url: str
    street: str

    # SVG coordinates as text: a localised template would print "12,5".
    @property
    def cx(self):
        return f"{self.x:g}"

    @property
    def cy(self):
        return f"{self.y:g}"


@dataclass
class Plan:
    width: int
    height: int
    streets: list
    sensors: list
    legend: list


def _lines(geometry):
    """The coordinate lists of a LineString or MultiLineString geometry."""
    if not geometry:
        return []
    kind = geometry.get("type")
    if kind == "LineString":
        return [geometry.get("coordinates") or []]
    if kind == "MultiLineString":
        return list(geometry.get("coordinates") or [])
    return []


def build_plan(streets, sensors, *, width=WIDTH, margin=MARGIN):
    """Project ``streets`` (with GeoJSON geometry) and ``sensors`` to SVG space.

    Returns a ``Plan`` whose streets hold an SVG path and their sensors;
    the view box is ``0 0 width height``.
    """
    points = [
        (float(lon), float(lat))
        for street in streets
        for line in _lines(street.geometry)
        for lon, lat, *_rest in line
    ]
    points += [(float(s.longitude), float(s.latitude)) for s in sensors]
    if not points:
        return Plan(width=width, height=width // 2, streets=[], sensors=[], legend=[])
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * shrink, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (width - 2 * margin) / span_x
    height = round(span_y * scale + 2 * margin)

    def project(lon, lat):
        x = margin + (float(lon) - min_lon) * shrink * scale
        y = margin + (max_lat - float(lat)) * scale
        return round(x, 1), round(y, 1)

    plan_streets = {}
    for street in streets:
        parts = []
        for line in _lines(street.geometry):
            coords = [project(lon, lat) for lon, lat, *_rest in line]
            if coords:
                parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in coords))
        plan_streets[street.pk] = PlanStreet(
            slug=street.slug, name=street.name, path=" ".join(parts)
        )
    plan_sensors = []
    labels = dict(SensorKind.choices)
    for sensor in sensors:
        x, y = project(sensor.longitude, sensor.latitude)
        item = PlanSensor(
            code=sensor.code,
            kind=sensor.kind,
            kind_label=str(labels.get(sensor.kind, sensor.kind)),
            x=x,
            y=y,
            colour=KIND_COLOURS.get(sensor.kind, "#5b5b5b"),
            url=reverse("datasets:sensor_detail", args=[sensor.code]),
            street=plan_streets[sensor.street_id].name
            if sensor.street_id in plan_streets
            else "",
        )
        plan_sensors.append(item)
        if sensor.street_id in plan_streets:
            plan_streets[sensor.street_id].sensors.append(item)
    legend = [
        {"kind": kind, "label": labels[kind], "colour": colour}
        for kind, colour in KIND_COLOURS.items()
        if any(s.kind == kind for s in plan_sensors)
    ]
    return Plan(
        width=width,
        height=height,
        streets=sorted(plan_streets.values(), key=lambda s: s.name),
        sensors=plan_sensors,
        legend=legend,
    )
