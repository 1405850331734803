"""The neighbourhood's map: reference geometry, its GeoJSON, the map page."""

import itertools
import re

import pytest
from django.core.cache import cache

from datasets import reference
from datasets.services import seed_catalogue
from tests.datasets.factories import DatasetFactory, SensorFactory, StreetFactory

GEOJSON = "/donnees/plan/carte.geojson"
PAGE = "/donnees/plan/"
STREET_NAMES = [
    "Avenue de Clichy",
    "Boulevard des Batignolles",
    "Place du Docteur-Félix-Lobligeois",
    "Rue Biot",
    "Rue Boursault",
    "Rue Bridaine",
    "Rue Brochant",
    "Rue Cardinet",
    "Rue Clairaut",
    "Rue Davy",
    "Rue Dulong",
    "Rue Gauthey",
    "Rue Hélène",
    "Rue La Condamine",
    "Rue Lamandé",
    "Rue Legendre",
    "Rue Lemercier",
    "Rue Mariotte",
    "Rue Nollet",
    "Rue Puteaux",
    "Rue Sauffroy",
    "Rue Saussure",
    "Rue Truffaut",
    "Rue des Batignolles",
    "Rue des Dames",
    "Rue des Moines",
]


@pytest.fixture
def catalogue(db):
    cache.clear()
    seed_catalogue()
    yield
    cache.clear()


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _in_box(lon, lat):
    return 48.880 <= lat <= 48.893 and 2.310 <= lon <= 2.327


def _distance_to_polyline(point, coordinates):
    """Metres from (lat, lon) to the nearest point of a [lon, lat] polyline."""
    scale = reference._LON_SCALE
    py, px = point[0] * 111_320, point[1] * 111_320 * scale
    best = float("inf")
    for (x1, y1), (x2, y2) in itertools.pairwise(coordinates):
        ax, ay = x1 * 111_320 * scale, y1 * 111_320
        bx, by = x2 * 111_320 * scale, y2 * 111_320
        dx, dy = bx - ax, by - ay
        t = max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, ((ax + t * dx - px) ** 2 + (ay + t * dy - py) ** 2) ** 0.5)
    return best


# --- Reference data ------------------------------------------------------------


def test_reference_sensors_never_share_a_position():
    rows = reference.sensor_rows()
    points = [(row["latitude"], row["longitude"]) for row in rows]

    assert len(points) == 160
    assert len(set(points)) == 160
    closest = min(
        reference.distance_metres(a, b) for a, b in itertools.combinations(points, 2)
    )
    assert closest >= reference.MIN_SPACING_METRES == 15


def test_reference_sensors_lie_on_their_own_street():
    streets = {row["slug"]: row for row in reference.street_rows()}
    for row in reference.sensor_rows():
        coordinates = streets[row["street"]]["geometry"]["coordinates"]
        point = (row["latitude"], row["longitude"])
        assert _distance_to_polyline(point, coordinates) < 1.0, row["code"]


def test_reference_streets_are_the_26_named_streets_of_real_length():
    rows = reference.street_rows()

    assert sorted(row["name"] for row in rows) == STREET_NAMES
    lengths = {
        row["name"]: sum(
            reference.distance_metres((a[1], a[0]), (b[1], b[0]))
            for a, b in itertools.pairwise(row["geometry"]["coordinates"])
        )
        for row in rows
    }
    # Rue Legendre and avenue de Clichy cross the area; rue Mariotte is short.
    assert 1300 < lengths["Rue Legendre"] < 1600
    assert 1100 < lengths["Avenue de Clichy"] < 1400
    assert all(length > 100 for length in lengths.values())


def test_reference_parking_zones_sit_on_their_sensor():
    sensors = {row["parking_zone"]: row for row in reference.sensor_rows()}
    for zone in reference.zone_rows():
        sensor = sensors[zone["code"]]
        assert (zone["latitude"], zone["longitude"]) == (
            sensor["latitude"],
            sensor["longitude"],
        )
        assert zone["street"] == sensor["street"]


# --- The GeoJSON ---------------------------------------------------------------


def _features(body, kind):
    return [f for f in body["features"] if f["properties"]["feature"] == kind]


def test_geojson_has_every_street_named_and_every_sensor_once(client, catalogue):
    response = client.get(GEOJSON)
    body = response.json()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=300" in response["Cache-Control"]
    assert body["type"] == "FeatureCollection"
    streets = _features(body, "street")
    assert [f["properties"]["name"] for f in streets] == STREET_NAMES
    assert all(f["geometry"]["type"] == "LineString" for f in streets)
    assert sum(f["properties"]["sensors"] for f in streets) == 160
    assert all(f["properties"]["used"] for f in streets)
    sensors = _features(body, "sensor")
    codes = [f["properties"]["code"] for f in sensors]
    assert codes == sorted(row["code"] for row in reference.sensor_rows())
    assert len(set(codes)) == 160
    positions = [tuple(f["geometry"]["coordinates"]) for f in sensors]
    assert len(set(positions)) == 160
    for feature in streets:
        assert all(_in_box(*point) for point in feature["geometry"]["coordinates"])
    assert all(_in_box(*point) for point in positions)
    [square] = _features(body, "square")
    assert square["properties"]["name"] == "Square des Batignolles"
    first = reference.sensor_rows()[0]
    assert sensors[codes.index("PED-001")] == {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [first["longitude"], first["latitude"]],
        },
        "properties": {
            "feature": "sensor",
            "code": "PED-001",
            "type": "pedestrian_counter",
            "type_label": "Compteur de piétons",
            "street": "Rue des Batignolles",
            "url": "/donnees/capteurs/PED-001/",
            "status": "active",
        },
    }


def test_geojson_speaks_english_under_en(client, catalogue):
    body = client.get("/en" + GEOJSON).json()
    sensor = next(
        f for f in _features(body, "sensor") if f["properties"]["code"] == "SND-001"
    )
    assert sensor["properties"]["type_label"] == "Sound level meter"
    assert sensor["properties"]["url"] == "/en/donnees/capteurs/SND-001/"


def test_geojson_for_datasets_keeps_their_sensors_and_marks_their_streets(
    client, catalogue
):
    body = client.get(GEOJSON, {"dataset": "sound-levels"}).json()

    sensors = _features(body, "sensor")
    assert len(sensors) == 25
    assert {f["properties"]["type"] for f in sensors} == {"sound_level_meter"}
    expected = {
        row["street"]
        for row in reference.sensor_rows()
        if row["dataset"] == "sound-levels"
    }
    used = {
        f["properties"]["slug"]
        for f in _features(body, "street")
        if f["properties"]["used"]
    }
    assert used == expected
    # Every street is still drawn, the others in grey.
    assert len(_features(body, "street")) == 26


def test_geojson_unknown_dataset_is_a_clear_json_error(client, catalogue):
    response = client.get(GEOJSON, {"dataset": ["sound-levels", "<b>x</b>"]})

    assert response.status_code == 400
    assert response.json() == {"detail": "Jeu de données inconnu\u00a0: <b>x</b>."}


@pytest.mark.parametrize("sensors", [1, 6])
def test_geojson_query_count_constant_and_cached(
    client, db, fresh_cache, django_assert_num_queries, sensors
):
    dataset = DatasetFactory()
    for _n in range(sensors):
        SensorFactory(datasets=[dataset])
    with django_assert_num_queries(2):
        body = client.get(GEOJSON).json()
    assert len(_features(body, "sensor")) == sensors
    with django_assert_num_queries(0):
        assert client.get(GEOJSON).json() == body


# --- The map page ----------------------------------------------------------------


def _no_inline_code(html):
    assert " style=" not in html
    assert "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="' in tag, tag


def test_map_page_lists_every_street_and_sensor_below_the_map(client, catalogue):
    response = client.get(PAGE)
    html = response.content.decode()

    assert response.status_code == 200
    assert re.findall(r"<h3>([^<]+)</h3>", html) == [
        name.replace("'", "&#x27;") for name in STREET_NAMES
    ]
    links = re.findall(r'<a href="/donnees/capteurs/([A-Z]+-\d+)/">', html)
    assert sorted(links) == sorted(row["code"] for row in reference.sensor_rows())
    assert "160 capteurs affichés." in html
    # Hidden until the script draws it: without JavaScript, the list is the page.
    assert re.search(r'<div class="map-frame" hidden data-map\s', html)
    assert f'data-geojson="{GEOJSON}"' in html
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'src="/static/js/map.js"' in html
    assert html.count('type="checkbox" name="type"') == 5
    assert html.count(" checked") == 5
    _no_inline_code(html)


def test_map_page_filters_the_list_without_javascript(client, catalogue):
    response = client.get(PAGE, {"type": "sound_level_meter"})
    html = response.content.decode()

    links = re.findall(r'<a href="/donnees/capteurs/([A-Z]+-\d+)/">', html)
    assert sorted(links) == [f"SND-{n:03d}" for n in range(1, 26)]
    assert "25 capteurs affichés." in html
    assert re.findall(r'value="(\w+)" id="[^"]+" checked', html) == [
        "sound_level_meter"
    ]
    assert html.count("Aucun capteur de ces types dans cette rue.") == 1


def test_map_page_unknown_type_is_a_clear_error_not_a_500(client, catalogue):
    response = client.get(PAGE, {"type": "<script>"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Sélectionnez un choix valide. &lt;script&gt; n’en fait pas partie." in html
    assert "160 capteurs affichés." in html


def test_map_page_in_english(client, catalogue):
    html = client.get("/en" + PAGE).content.decode()
    assert "<h1>Map of the sensors</h1>" in html
    assert 'data-geojson="/en/donnees/plan/carte.geojson"' in html
    assert "160 sensors shown." in html


@pytest.mark.parametrize("sensors", [1, 6])
def test_map_page_query_count_constant(client, db, django_assert_num_queries, sensors):
    dataset = DatasetFactory()
    street = StreetFactory()
    for _n in range(sensors):
        SensorFactory(datasets=[dataset], street=street)
    with django_assert_num_queries(2):
        response = client.get(PAGE)
    assert response.context["sensor_count"] == sensors
    assert len(response.context["streets"][0].sensors) == sensors
