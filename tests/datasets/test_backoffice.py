import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.jury.models import JuryMembership
from datasets.enums import FeedbackStatus, IngestionSource, IngestionStatus
from datasets.ingestion.service import INTERRUPTED_MESSAGE
from datasets.ingestion.words import error_in_words, source_in_words
from datasets.models import Feedback, IngestionRun
from portal.audit.models import AuditEvent
from tests.applications.factories import CallFactory
from tests.conftest import make_user
from tests.datasets.factories import SensorFactory

pytestmark = pytest.mark.django_db

RUN_LIST = reverse("datasets_bo:run_list")
FEEDBACK_LIST = reverse("datasets_bo:feedback_list")


def make_runs(count):
    now = timezone.now()
    for index in range(count):
        IngestionRun.objects.create(
            source=IngestionSource.UPSTREAM,
            status=IngestionStatus.FAILED
            if index % 3 == 0
            else IngestionStatus.SUCCEEDED,
            started_at=now - datetime.timedelta(minutes=15 * index),
            received=100 + index,
            accepted=90,
            duplicates=index,
            rejected=10,
            rejected_by_reason={"unknown_sensor": 7, "out_of_range": 3},
        )


def make_feedback(count):
    sensor = SensorFactory(code="PED-003")
    for index in range(count):
        Feedback.objects.create(sensor=sensor, message=f"Question {index}")


def test_run_list_shows_counts_and_a_chart_with_its_table(organiser_client):
    make_runs(2)
    newest = IngestionRun.objects.first()

    response = organiser_client.get(RUN_LIST)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("datasets_bo:run_detail", kwargs={"pk": newest.pk})}"' in (
        page
    )
    chart = json.loads(
        page.split('id="chart-runs" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["data"]["datasets"][0]["data"] == [90, 90]
    assert chart["data"]["datasets"][2]["data"] == [10, 10]
    assert 'id="runs-chart-table"' in page


def test_run_list_filters_by_status(organiser_client):
    make_runs(4)

    response = organiser_client.get(RUN_LIST, {"status": "failed"})

    assert [run.status for run in response.context["page"]] == ["failed", "failed"]


def test_run_list_pages_keep_the_status_filter(organiser_client):
    make_runs(90)  # 30 failed: two pages of 25

    page = organiser_client.get(RUN_LIST, {"status": "failed"}).content.decode()

    assert "Page 1 sur 2" in page
    assert 'href="?status=failed&amp;page=2"' in page
    second = organiser_client.get(RUN_LIST, {"status": "failed", "page": 2})
    assert len(second.context["page"]) == 5


@pytest.mark.parametrize("size", [3, 20])
def test_run_list_query_count_does_not_grow_with_rows(
    organiser_client, django_assert_num_queries, size
):
    make_runs(size)
    organiser_client.get(RUN_LIST)  # warm the session cache

    with django_assert_num_queries(5):
        response = organiser_client.get(RUN_LIST)

    assert len(response.context["page"]) == size


def test_run_detail_lists_rejections_by_reason_and_samples(organiser_client):
    run = IngestionRun.objects.create(
        source=IngestionSource.FILE,
        status=IngestionStatus.FAILED,
        received=12,
        accepted=2,
        rejected=10,
        rejected_by_reason={"out_of_range": 3, "unknown_sensor": 7},
        sample_errors=[
            {"position": 4, "reason": "unknown_sensor", "detail": "unknown 'X-1'"},
            {
                "position": 9,
                "reason": "out_of_range",
                "detail": "laeq = 180 outside [20, 130]",
            },
        ],
        error="HTTP 503 from upstream",
    )

    response = organiser_client.get(
        reverse("datasets_bo:run_detail", kwargs={"pk": run.pk})
    )

    assert [(r["code"], r["count"]) for r in response.context["reasons"]] == [
        ("unknown_sensor", 7),
        ("out_of_range", 3),
    ]
    page = response.content.decode()
    assert "Capteur inconnu" in page
    assert "unknown &#x27;X-1&#x27;" in page  # an unknown shape is shown as is
    # Stored in technical English, read in French.
    assert [sample["words"] for sample in response.context["samples"]] == [
        "unknown 'X-1'",
        "laeq = 180, hors de la plage 20 à 130.",
    ]
    assert response.context["error"] == (
        "La plateforme de données a répondu par l’erreur HTTP 503."
    )
    assert "HTTP 503 from upstream" not in page


@pytest.mark.parametrize(
    ("stored", "french", "english"),
    [
        (
            "upstream unreachable: timed out",
            "La plateforme de données est injoignable (timed out).",
            "The data platform could not be reached (timed out).",
        ),
        (
            "UPSTREAM_SENSOR_API_URL is not set",
            "L’adresse de la plateforme de données n’est pas configurée (réglage "
            "UPSTREAM_SENSOR_API_URL).",
            "The address of the data platform is not configured (setting "
            "UPSTREAM_SENSOR_API_URL).",
        ),
        ("something new", "something new", "something new"),
    ],
)
def test_run_errors_read_in_the_reader_language(stored, french, english):
    with translation.override("fr"):
        assert error_in_words(stored) == french
    with translation.override("en"):
        assert error_in_words(stored) == english


def test_interrupted_run_reads_in_the_reader_language():
    with translation.override("fr"):
        stored = str(INTERRUPTED_MESSAGE)
    with translation.override("en"):
        assert error_in_words(stored).startswith("Interrupted: the run stopped")


def test_run_detail_of_a_missing_run_is_404(organiser_client):
    response = organiser_client.get(
        reverse("datasets_bo:run_detail", kwargs={"pk": 999})
    )

    assert response.status_code == 404


def test_backoffice_refuses_a_resident_with_404(client, user):
    client.force_login(user)

    assert client.get(RUN_LIST).status_code == 404
    assert client.get(FEEDBACK_LIST).status_code == 404


def test_backoffice_refuses_a_jury_member_with_403(client, settings):
    settings.PORTAL_REQUIRE_MFA = False
    juror = make_user("juror@example.org")
    JuryMembership.objects.create(call=CallFactory(), user=juror)
    client.force_login(juror)

    assert client.get(RUN_LIST).status_code == 403
    assert client.get(FEEDBACK_LIST).status_code == 403


@pytest.mark.parametrize("size", [2, 15])
def test_feedback_list_query_count_does_not_grow_with_rows(
    organiser_client, django_assert_num_queries, size
):
    make_feedback(size)
    organiser_client.get(FEEDBACK_LIST)

    with django_assert_num_queries(4):
        response = organiser_client.get(FEEDBACK_LIST)

    assert len(response.context["page"]) == size
    assert "Question 0" in response.content.decode()


def test_feedback_status_change_is_audited(organiser_client, organiser):
    make_feedback(1)
    feedback = Feedback.objects.get()

    response = organiser_client.post(
        reverse("datasets_bo:feedback_status", kwargs={"pk": feedback.pk}),
        {"status": "answered"},
    )

    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED
    event = AuditEvent.objects.get(verb="feedback.status_changed")
    assert (event.actor, event.before, event.after) == (
        organiser,
        {"status": "new"},
        {"status": "answered"},
    )


def test_feedback_status_change_refuses_an_unknown_status(organiser_client):
    make_feedback(1)
    feedback = Feedback.objects.get()

    organiser_client.post(
        reverse("datasets_bo:feedback_status", kwargs={"pk": feedback.pk}),
        {"status": "deleted"},
    )

    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.NEW
    assert not AuditEvent.objects.filter(verb="feedback.status_changed").exists()


@pytest.mark.parametrize(
    ("stored", "french", "english"),
    [
        (
            "simulator seed=42 2025-10-07T06:00:00+00:00 -> 2025-10-07T08:00:00+00:00",
            "Simulateur (graine 42), du 7 oct. 2025 08:00 au 7 oct. 2025 10:00",
            "Simulator (seed 42), from 7 Oct. 2025 08:00 to 7 Oct. 2025 10:00",
        ),
        (
            "upstream capteurs.example since start",
            "capteurs.example, depuis le début",
            "capteurs.example, from the beginning",
        ),
        (
            "file releves.csv (csv)",
            "Fichier releves.csv (CSV)",
            "File releves.csv (CSV)",
        ),
    ],
)
def test_run_source_reads_in_the_reader_language(stored, french, english):
    with translation.override("fr"):
        assert source_in_words(stored) == french
    with translation.override("en"):
        assert source_in_words(stored) == english
