import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from datasets.models import (
    DailyRollup,
    Feedback,
    HourlyRollup,
    Metric,
    Sensor,
    SensorDayQuality,
)
from datasets.services import seed_catalogue
from tests.datasets.factories import DatasetFactory, MetricFactory, SensorFactory

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def catalogue(db):
    seed_catalogue()


def _no_inline_code(html):
    assert " style=" not in html
    assert "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="' in tag or 'type="application/json"' in tag, tag


def test_catalogue_lists_datasets_in_french(client, catalogue):
    response = client.get("/donnees/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ["Flux piétons", "Niveaux sonores", "Occupation du stationnement"]:
        assert name in html
    assert "Licence Ouverte 2.0" in html
    assert "Piétons entrants (personnes)" in html
    _no_inline_code(html)


def test_catalogue_lists_datasets_in_english(client, catalogue):
    html = client.get("/en/donnees/").content.decode()
    assert "Pedestrian flows" in html
    assert "Pedestrians in (persons)" in html
    assert 'lang="en"' in html


@pytest.mark.parametrize("extra", [0, 4])
def test_catalogue_query_count_constant(client, db, django_assert_num_queries, extra):
    for _n in range(1 + extra):
        MetricFactory(dataset=DatasetFactory())
    with django_assert_num_queries(2):
        response = client.get("/donnees/")
    assert len(response.context["datasets"]) == 1 + extra


def test_dataset_page_dtpr_sheet_in_french(client, catalogue):
    response = client.get("/donnees/sound-levels/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Responsable",
        "Mairie du 17e arrondissement de Paris",
        "But",
        "Technologie",
        "Sonomètre",
        "Traitement",
        "Agrégé",
        "Dé-identifié",
        "Rétention",
        "Conservées 5 ans",
        "capteurs@openbatignolles.paris",
        "aucune image ni aucun son",
        # French typography on the sheet's explanations (held as data).
        "capteur lui-même\u00a0: aucune image",
        "sans clé\u202f; valeurs au quart d’heure (intervalle de 15 minutes)",
        "Données mises à la disposition de tiers",
    ]:
        assert text in html, text
    assert "Données mise à" not in html
    _no_inline_code(html)


def test_dataset_page_dtpr_sheet_in_english(client, catalogue):
    html = client.get("/en/donnees/sound-levels/").content.decode()
    for text in [
        "Accountable",
        "Sound Level Meter",
        "Aggregated",
        "De-identified",
        "Retained 5 years",
        "no sound is ever recorded",
        "Kept for 5 years.",
    ]:
        assert text in html, text


def test_dataset_page_chart_of_last_seven_days(client, catalogue):
    metric = Metric.objects.get(dataset__slug="pedestrian-flows", slug="pedestrians_in")
    today = timezone.now().astimezone(PARIS).date()
    sensors = list(Sensor.objects.filter(datasets__slug="pedestrian-flows")[:2])
    for sensor, total in zip(sensors, [100.0, 50.0], strict=True):
        DailyRollup.objects.create(
            sensor=sensor,
            metric=metric,
            day=today - datetime.timedelta(days=1),
            count=96,
            total=total,
            minimum=0,
            maximum=9,
        )
    response = client.get("/en/donnees/pedestrian-flows/")
    chart = response.context["chart"]
    assert chart["type"] == "bar"
    series = chart["data"]["datasets"][0]
    assert series["label"] == "Pedestrians in (persons)"
    assert series["data"] == [None, None, None, None, None, None, 150.0]
    html = response.content.decode()
    assert 'id="dataset-week-chart"' in html
    assert '<td class="num">150</td>' in html
    assert "/api/v1/readings/export.csv?dataset=pedestrian-flows" in html


def test_dataset_page_unknown_is_404(client, catalogue):
    assert client.get("/donnees/weather/").status_code == 404


@pytest.fixture
def sensor_with_data(catalogue):
    sensor = Sensor.objects.get(code="SND-001")
    laeq = Metric.objects.get(dataset__slug="sound-levels", slug="laeq")
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    HourlyRollup.objects.create(
        sensor=sensor,
        metric=laeq,
        period_start=hour,
        count=4,
        total=4 * 10**5.5,
        minimum=54,
        maximum=56,
    )
    today = now.astimezone(PARIS).date()
    SensorDayQuality.objects.create(
        sensor=sensor,
        day=today,
        expected=96,
        received=72,
        gaps=2,
        longest_gap_minutes=45,
        last_reading_at=now,
    )
    SensorDayQuality.objects.create(
        sensor=sensor,
        day=today - datetime.timedelta(days=10),
        expected=96,
        received=1,
        gaps=9,
    )
    return sensor


def test_sensor_page_shows_sheet_values_and_quality(client, sensor_with_data):
    response = client.get("/en/donnees/capteurs/SND-001/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sound Level Meter" in html
    chart = response.context["chart"]
    laeq = chart["data"]["datasets"][0]
    assert laeq["label"] == "Equivalent level LAeq (dB(A))"
    assert laeq["data"][-2] == 55.0
    assert len(laeq["data"]) == 48
    quality = response.context["quality"]
    assert [day.received for day in quality] == [72]
    assert "75&#8239;%" in html
    assert "72 / 96" in html
    _no_inline_code(html)


def test_sensor_page_unknown_is_404(client, db):
    assert client.get("/donnees/capteurs/XXX-999/").status_code == 404


def test_sensor_dtpr_sheet_override(client, catalogue):
    from tests.datasets.factories import DtprSheetFactory

    sheet = DtprSheetFactory(
        slug="special", name_en="Special sheet", technology=["radar"]
    )
    Sensor.objects.filter(code="VEH-001").update(dtpr_sheet=sheet)
    html = client.get("/en/donnees/capteurs/VEH-001/").content.decode()
    assert "Special sheet" in html
    assert "Radar" in html


def test_feedback_is_stored_and_emailed(
    client, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/donnees/capteurs/PED-001/",
            {
                "name": "Jeanne",
                "email": "jeanne@example.org",
                "message": "Le capteur clignote la nuit.",
                "website": "",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("datasets:feedback_thanks", args=["PED-001"])
    feedback = Feedback.objects.get()
    assert feedback.sensor.code == "PED-001"
    assert feedback.dataset.slug == "pedestrian-flows"
    assert (feedback.name, feedback.email) == ("Jeanne", "jeanne@example.org")
    assert len(mail.outbox) == 1
    assert "Le capteur clignote la nuit." in mail.outbox[0].body
    assert "PED-001" in mail.outbox[0].body
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200


def test_feedback_without_message_keeps_the_text(client, catalogue):
    response = client.post(
        "/en/donnees/capteurs/PED-001/",
        {"name": "Jeanne Moreau", "email": "not-an-email", "message": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Jeanne Moreau"' in html
    assert 'value="not-an-email"' in html
    assert response.context["form"].errors.keys() == {"email", "message"}
    assert Feedback.objects.count() == 0


def test_feedback_honeypot_stores_nothing(client, catalogue):
    response = client.post(
        "/donnees/capteurs/PED-001/",
        {"message": "Buy cheap pills", "website": "http://spam.example"},
    )
    assert response.status_code == 302
    assert Feedback.objects.count() == 0
    assert mail.outbox == []


def test_feedback_rate_limited_keeps_the_text(client, catalogue, settings):
    settings.DATASETS_FEEDBACK_PER_HOUR = 2
    for n in range(2):
        client.post("/donnees/capteurs/PED-001/", {"message": f"Message {n}"})
    response = client.post(
        "/en/donnees/capteurs/PED-001/", {"message": "A third remark"}
    )
    assert response.status_code == 200
    assert "A third remark" in response.content.decode()
    assert "several messages in a short time" in response.content.decode()
    assert Feedback.objects.count() == 2


def test_feedback_database_error_keeps_the_text(client, catalogue, monkeypatch):
    from django.db import DatabaseError

    from datasets import services

    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "submit_feedback", broken)
    response = client.post(
        "/en/donnees/capteurs/PED-001/", {"message": "Still here after the error"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Still here after the error" in html
    assert "technical problem" in html


def test_api_get_started_page(client, db):
    response = client.get("/en/donnees/api/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "curl &quot;http://testserver/api/v1/readings/?sensor=PED-001" in html or (
        'curl "http://testserver/api/v1/readings/?sensor=PED-001' in html
    )
    assert "import requests" in html
    assert "600/min" in html
    assert "31 days of 15-minute values" in html
    assert 'curl -H "Authorization: Bearer $OPENBATIGNOLLES_KEY"' in html
    assert "With a key: 6000/min requests per key" in html
    _no_inline_code(html)


def test_sensor_page_json_script_is_valid(client, sensor_with_data):
    html = client.get("/donnees/capteurs/SND-001/").content.decode()
    match = re.search(
        r'<script id="sensor-hours-chart" type="application/json">(.*?)</script>',
        html,
    )
    assert json.loads(match.group(1))["type"] == "line"


def test_sensor_factory_without_dataset_page(client, db):
    SensorFactory(code="TST-500")
    response = client.get("/donnees/capteurs/TST-500/")
    assert response.status_code == 200
    assert response.context["dtpr"] is None
