import datetime

import pytest

from datasets.models import HourlyRollup, Reading, SensorDayQuality
from tests.datasets.factories import (
    DatasetFactory,
    MetricFactory,
    ParkingZoneFactory,
    SensorFactory,
    StreetFactory,
)

from .conftest import PARIS, UTC


def test_dataset_list_has_metrics_and_dtpr_sheet(client, world):
    response = client.get("/api/v1/datasets/")
    assert response.status_code == 200
    body = response.json()
    assert [item["slug"] for item in body] == ["pedestrian-flows", "sound-levels"]
    sound = body[1]
    assert sound["metrics"][0]["slug"] == "laeq"
    assert sound["metrics"][0]["scale"] == "decibel"
    sheet = sound["dtpr_sheet"]
    assert sheet["retention_days"] == 1825
    assert sheet["categories"]["processing"]["elements"] == [
        "aggregated",
        "de_identified",
    ]
    assert sound["links"]["page"] == "/donnees/sound-levels/"
    assert sound["licence"] == "Licence Ouverte 2.0"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["RateLimit-Limit"] == "600"


@pytest.mark.parametrize("count", [1, 5])
def test_dataset_list_query_count_constant(
    client, db, django_assert_num_queries, count
):
    for _n in range(count):
        MetricFactory(dataset=DatasetFactory())
    with django_assert_num_queries(2):
        response = client.get("/api/v1/datasets/")
    assert len(response.json()) == count


def test_dataset_detail_and_unknown(client, world):
    assert client.get("/api/v1/datasets/sound-levels/").json()["slug"] == (
        "sound-levels"
    )
    missing = client.get("/api/v1/datasets/weather/")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"


def test_unpublished_dataset_hidden(client, world):
    world["sound"].is_published = False
    world["sound"].save(update_fields=["is_published"])
    assert client.get("/api/v1/datasets/sound-levels/").status_code == 404
    assert [d["slug"] for d in client.get("/api/v1/datasets/").json()] == [
        "pedestrian-flows"
    ]


def test_streets_geojson(client, world):
    response = client.get("/api/v1/streets/")
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["id"] == "rue-des-batignolles"
    assert feature["geometry"]["type"] == "LineString"
    assert feature["properties"]["name"] == "Rue des Batignolles"


def test_street_detail_lists_sensors_and_zones(client, world):
    ParkingZoneFactory(code="zone-b1", street=world["batignolles"], capacity=8)
    body = client.get("/api/v1/streets/rue-des-batignolles/").json()
    assert body["properties"]["sensors"] == ["PED-001", "PED-002"]
    assert body["properties"]["parking_zones"] == [
        {"code": "zone-b1", "type": "visitor", "capacity": 8}
    ]
    assert client.get("/api/v1/streets/rue-inconnue/").status_code == 404


def test_sensor_list_json_and_filters(client, world):
    body = client.get("/api/v1/sensors/", {"dataset": "pedestrian-flows"}).json()
    assert [s["code"] for s in body] == ["PED-001", "PED-002", "PED-003"]
    assert body[0]["street"] == "rue-des-batignolles"
    assert body[0]["datasets"] == ["pedestrian-flows"]
    assert body[0]["latitude"] == 48.887
    on_street = client.get("/api/v1/sensors/", {"street": "rue-des-dames"}).json()
    assert [s["code"] for s in on_street] == ["PED-003", "SND-001"]
    sound = client.get("/api/v1/sensors/", {"kind": "sound_level_meter"}).json()
    assert [s["code"] for s in sound] == ["SND-001"]


def test_sensor_list_geojson(client, world):
    response = client.get("/api/v1/sensors/", {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.318, 48.887]}
    assert feature["properties"]["code"] == "PED-001"
    assert "latitude" not in feature["properties"]


def test_sensor_list_bad_filter_names_it(client, world):
    response = client.get("/api/v1/sensors/", {"kind": "camera"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["parameter"] == "kind"
    assert "sound_level_meter" in error["allowed"]


@pytest.mark.parametrize("count", [2, 12])
def test_sensor_list_query_count_constant(client, db, django_assert_num_queries, count):
    dataset = DatasetFactory()
    for _n in range(count):
        SensorFactory(datasets=[dataset])
    with django_assert_num_queries(2):
        response = client.get("/api/v1/sensors/")
    assert len(response.json()) == count


def test_sensor_detail_has_sheet_and_quality(client, world):
    today = datetime.datetime.now(PARIS).date()
    SensorDayQuality.objects.create(
        sensor=world["ped1"],
        day=today,
        expected=96,
        received=48,
        gaps=1,
        longest_gap_minutes=720,
    )
    SensorDayQuality.objects.create(
        sensor=world["ped1"],
        day=today - datetime.timedelta(days=9),
        expected=96,
        received=96,
    )
    body = client.get("/api/v1/sensors/PED-001/").json()
    assert body["dtpr_sheet"]["slug"] == world["pedestrians"].dtpr_sheet.slug
    assert body["quality"] == [
        {
            "day": today.isoformat(),
            "expected": 96,
            "received": 48,
            "completeness": 0.5,
            "gaps": 1,
            "longest_gap_minutes": 720,
            "last_reading_at": None,
        }
    ]
    assert client.get("/api/v1/sensors/XXX-000/").status_code == 404


def test_latest_open_gives_last_hour(client, october_day):
    response = client.get("/api/v1/latest/", {"dataset": "pedestrian-flows"})
    body = response.json()
    assert body["interval"] == "hour"
    rows = {(r["sensor"], r["metric"]): r for r in body["results"]}
    assert len(rows) == 6
    last = rows[("PED-002", "pedestrians_in")]
    assert last["period_start"] == "2025-10-07T23:00:00+02:00"
    assert last["value"] == 8.0  # sum of the hour's four quarters


def test_latest_fine_gives_last_quarter_and_withholds_small_counts(
    organiser_client, october_day
):
    metric = october_day["ped_in"]
    metric.min_published_count = 3
    metric.save(update_fields=["min_published_count"])
    body = organiser_client.get(
        "/api/v1/latest/", {"sensor": "PED-001,PED-003", "dataset": "pedestrian-flows"}
    ).json()
    assert body["interval"] == "15min"
    rows = {(r["sensor"], r["metric"]): r for r in body["results"]}
    assert rows[("PED-003", "pedestrians_in")]["value"] == 3.0
    assert rows[("PED-001", "pedestrians_in")]["value"] is None
    assert rows[("PED-001", "pedestrians_in")]["period_start"] == (
        "2025-10-07T23:45:00+02:00"
    )


def test_latest_decibel_hour_is_energy_mean(client, october_day):
    body = client.get("/api/v1/latest/", {"dataset": "sound-levels"}).json()
    [row] = body["results"]
    from .conftest import energy_mean

    assert row["value"] == round(energy_mean([60.0, 50.0]), 3)


def test_latest_unknown_parameter(client, world):
    response = client.get("/api/v1/latest/", {"datasets": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "datasets"


def test_fine_small_counts_withheld_in_readings(organiser_client, world):
    metric = world["ped_in"]
    metric.min_published_count = 5
    metric.save(update_fields=["min_published_count"])
    moment = datetime.datetime(2025, 10, 7, 3, tzinfo=PARIS).astimezone(UTC)
    Reading.objects.create(
        sensor=world["ped1"], metric=metric, period_start=moment, value=2
    )
    Reading.objects.create(
        sensor=world["ped1"],
        metric=metric,
        period_start=moment + datetime.timedelta(minutes=15),
        value=9,
    )
    rows = organiser_client.get(
        "/api/v1/readings/",
        {
            "sensor": "PED-001",
            "metric": "pedestrians_in",
            "interval": "15min",
            "start": "2025-10-07",
            "end": "2025-10-08",
        },
    ).json()["results"]
    assert [row["value"] for row in rows] == [None, 9.0]
    assert HourlyRollup.objects.count() == 0


def test_unknown_street_in_sensors_filter_gives_empty(client, world):
    assert client.get("/api/v1/sensors/", {"street": "nowhere"}).json() == []


def test_street_factory_slug_is_in_streets(client, db):
    StreetFactory(slug="rue-x", name="Rue X")
    assert client.get("/api/v1/streets/").json()["features"][0]["id"] == "rue-x"


@pytest.mark.parametrize("codes", ["PED-001", "PED-001,PED-002,PED-003"])
def test_latest_query_count_constant(
    client, warm_catalogue, django_assert_num_queries, codes
):
    # The catalogue is in memory: one query, the latest values.
    with django_assert_num_queries(1):
        response = client.get(
            "/api/v1/latest/", {"dataset": "pedestrian-flows", "sensor": codes}
        )
    assert len(response.json()["results"]) == 2 * len(codes.split(","))


@pytest.mark.parametrize("streets", [1, 4])
def test_street_list_query_count_constant(
    client, db, django_assert_num_queries, streets
):
    for _n in range(streets):
        StreetFactory()
    with django_assert_num_queries(1):
        response = client.get("/api/v1/streets/")
    assert len(response.json()["features"]) == streets
