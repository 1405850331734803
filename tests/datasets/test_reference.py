import json
import os
from pathlib import Path

import pytest
from django.utils import translation

from datasets import reference
from datasets.models import Dataset, DtprSheet, Metric, ParkingZone, Sensor, Street
from datasets.services import seed_catalogue

TAXONOMY = Path(__file__).resolve().parents[3] / "shared/data/dtpr/device-taxonomy.json"

CONTRACT_METRICS = {
    "pedestrian-flows": {"pedestrians_in", "pedestrians_out"},
    "vehicle-counts": {
        "cars",
        "vans",
        "trucks",
        "buses",
        "motorbikes",
        "bicycles",
        "e_scooters",
    },
    "parking-occupancy": {"occupied", "occupancy_rate"},
    "sound-levels": {"laeq", "lamax", "la10", "la50", "la90", "events_over_70"},
    "light-dimming": {"dimming_level", "presence_boosts", "power", "energy"},
}


def test_reference_sensors_match_the_contract():
    rows = reference.sensor_rows()
    codes = [row["code"] for row in rows]

    assert len(rows) == 160
    assert len(set(codes)) == 160
    assert sum(code.startswith("PED-") for code in codes) == 40
    assert sum(code.startswith("VEH-") for code in codes) == 30
    assert sum(code.startswith("PRK-") for code in codes) == 40
    assert sum(code.startswith("SND-") for code in codes) == 25
    assert sum(code.startswith("LUM-") for code in codes) == 25
    assert {row["street"] for row in rows} == {
        s["slug"] for s in reference.street_rows()
    }


def test_reference_geometry_stays_in_the_bounding_box():
    streets = reference.street_rows()

    assert len(streets) == 26
    assert streets[0]["slug"] == "rue-des-batignolles"
    for street in streets:
        assert street["geometry"]["type"] == "LineString"
        for lon, lat in street["geometry"]["coordinates"]:
            assert 48.880 <= lat <= 48.893
            assert 2.310 <= lon <= 2.327
    for row in reference.sensor_rows():
        assert 48.880 <= row["latitude"] <= 48.893
        assert 2.310 <= row["longitude"] <= 2.327


def test_reference_dtpr_ids_and_names_come_from_the_taxonomy():
    if not TAXONOMY.exists():
        # CI clones the repository with shared/ beside it: there it must run.
        if os.environ.get("CI"):
            pytest.fail(f"DTPR taxonomy missing: {TAXONOMY}")
        pytest.skip("DTPR taxonomy (../shared/data/dtpr) not beside this checkout")
    taxonomy = json.loads(TAXONOMY.read_text())
    elements = {e["id"]: e for e in taxonomy["elements"]}
    category_ids = {c["id"] for c in taxonomy["categories"]}

    for element_id, (_category, name_fr, name_en) in reference.DTPR_ELEMENTS.items():
        assert element_id in elements
        assert elements[element_id]["name"]["fr"].strip() == name_fr
        assert elements[element_id]["name"]["en"].strip() == name_en
    for _key, category_id, _fr, _en in reference.DTPR_CATEGORIES:
        assert category_id in category_ids
    for sheet in reference.DTPR_SHEETS:
        for key, category_id, _fr, _en in reference.DTPR_CATEGORIES[1:]:
            for element_id in sheet[key]:
                assert category_id in elements[element_id]["categories"]


@pytest.mark.django_db
def test_seed_catalogue_twice_gives_the_same_rows():
    first = seed_catalogue()
    counts = [
        model.objects.count()
        for model in (DtprSheet, Dataset, Metric, Street, ParkingZone, Sensor)
    ]
    second = seed_catalogue()

    assert (
        first
        == second
        == {
            "dtpr_sheets": 5,
            "datasets": 5,
            "metrics": 21,
            "streets": 26,
            "parking_zones": 40,
            "sensors": 160,
        }
    )
    assert counts == [5, 5, 21, 26, 40, 160]
    assert [
        model.objects.count()
        for model in (DtprSheet, Dataset, Metric, Street, ParkingZone, Sensor)
    ] == counts
    for slug, metrics in CONTRACT_METRICS.items():
        assert (
            set(
                Metric.objects.filter(dataset__slug=slug).values_list("slug", flat=True)
            )
            == metrics
        )
    assert set(
        Metric.objects.filter(scale="decibel").values_list("slug", flat=True)
    ) == {"laeq", "lamax", "la10", "la50", "la90"}
    sensor = Sensor.objects.get(code="PRK-001")
    assert sensor.parking_zone.code == "PZ-001"
    assert list(sensor.datasets.values_list("slug", flat=True)) == ["parking-occupancy"]
    assert Dataset.objects.get(slug="sound-levels").licence == "Licence Ouverte 2.0"
    assert set(ParkingZone.objects.values_list("zone_type", flat=True)) == {
        "visitor",
        "delivery",
        "disabled",
        "two_wheeler",
    }


@pytest.mark.django_db
def test_dtpr_categories_speak_the_active_language():
    seed_catalogue()
    sheet = DtprSheet.objects.get(slug="sound-levels")

    with translation.override("fr"):
        french = reference.dtpr_categories(sheet)
    english = reference.dtpr_categories(sheet, language="en")

    assert [c["key"] for c in french] == [
        "accountable",
        "purpose",
        "technology",
        "data_collected",
        "processing",
        "storage",
        "access",
        "retention",
    ]
    technology_fr = french[2]
    assert technology_fr["name"] == "Technologie"
    assert technology_fr["elements"] == [
        {"id": "sound_level_meter", "name": "Sonomètre"}
    ]
    assert english[2]["elements"][0]["name"] == "Sound Level Meter"
    assert french[7]["elements"] == [
        {"id": "data_retained", "name": "Conservées 5 ans"}
    ]
    assert english[7]["elements"][0]["name"] == "Retained 5 years"
    assert english[4]["explanation"].startswith("Measurements are computed inside")
    assert french[0]["elements"][1]["name"] == "Mairie du 17e arrondissement de Paris"
