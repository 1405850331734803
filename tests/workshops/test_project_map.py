"""A Project's public page shows the streets its data comes from, on the map
and as a list."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datasets.access.services import grant_data_access
from datasets.enums import SensorKind
from tests.applications.factories import CallFactory
from tests.datasets.factories import SensorFactory, StreetFactory
from tests.workshops.public_factories import datasets, public_project


@pytest.fixture
def places(db):
    catalogue = datasets()
    nollet = StreetFactory(slug="rue-nollet", name="Rue Nollet")
    dames = StreetFactory(slug="rue-des-dames", name="Rue des Dames")
    biot = StreetFactory(slug="rue-biot", name="Rue Biot")
    SensorFactory(code="PED-001", street=nollet, datasets=[catalogue["flows"]])
    SensorFactory(code="PED-002", street=nollet, datasets=[catalogue["flows"]])
    SensorFactory(code="PED-003", street=dames, datasets=[catalogue["flows"]])
    SensorFactory(
        code="SND-001",
        kind=SensorKind.SOUND_LEVEL_METER,
        street=biot,
        datasets=[catalogue["sound"]],
    )
    return catalogue


def test_project_page_lists_the_streets_of_its_granted_datasets(
    client, places, organiser
):
    call = CallFactory(datasets=list(places.values()))
    project = public_project("Flux du marché", call=call, requested=[places["sound"]])
    grant_data_access(
        project,
        holder=project.application.created_by,
        datasets=[places["flows"]],
        expires_at=timezone.now() + datetime.timedelta(days=90),
        actor=organiser,
    )

    response = client.get(f"/projets/{project.slug}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert [
        (street.name, street.sensor_count)
        for street in response.context["page"].streets
    ] == [("Rue Nollet", 2), ("Rue des Dames", 1)]
    listed = re.search(r'<ul class="street-list"[^>]*>(.*?)</ul>', html, re.S)
    assert re.findall(r"<li>([^<]+) <span", listed.group(1)) == [
        "Rue Nollet",
        "Rue des Dames",
    ]
    assert "Les rues d’où viennent ses données" in html
    assert 'data-geojson="/donnees/plan/carte.geojson?dataset=pedestrian-flows"' in html
    assert "data-map-project" in html
    assert 'src="/static/js/map.js"' in html


def test_project_map_geojson_marks_only_its_streets(client, places):
    response = client.get(
        "/donnees/plan/carte.geojson", {"dataset": "pedestrian-flows"}
    )
    body = response.json()

    streets = {
        f["properties"]["name"]: f["properties"]["used"]
        for f in body["features"]
        if f["properties"]["feature"] == "street"
    }
    assert streets == {"Rue Biot": False, "Rue Nollet": True, "Rue des Dames": True}
    assert [
        f["properties"]["code"]
        for f in body["features"]
        if f["properties"]["feature"] == "sensor"
    ] == ["PED-001", "PED-002", "PED-003"]


def test_project_page_without_dataset_has_no_map(client, places):
    project = public_project("Idée", call=CallFactory())

    html = client.get(f"/projets/{project.slug}/").content.decode()

    assert "data-map" not in html
    assert "leaflet.js" not in html


def test_project_page_query_count_does_not_grow_with_streets(client, places, organiser):
    call = CallFactory(datasets=list(places.values()))
    project = public_project("Flux du marché", call=call)
    grant_data_access(
        project,
        holder=project.application.created_by,
        datasets=[places["flows"]],
        expires_at=timezone.now() + datetime.timedelta(days=90),
        actor=organiser,
    )
    url = f"/projets/{project.slug}/"

    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["page"].streets) == 2
    for number in range(6):
        street = StreetFactory(name=f"Rue Ajoutée {number}")
        SensorFactory(street=street, datasets=[places["flows"]])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"].streets) == 8
    assert len(many) == len(few)
