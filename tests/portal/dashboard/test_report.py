"""The annual report: requested by an organiser, built by the worker with its
charts as SVG, followed through a JSON status, downloaded as a PDF."""

import io
import time

import pytest
from pypdf import PdfReader

from portal.audit.models import AuditEvent
from portal.dashboard.enums import ReportState
from portal.dashboard.figures import Column, Figure
from portal.dashboard.models import AnnualReport
from portal.dashboard.services import build_annual_report, request_annual_report
from portal.dashboard.svg import nice_ticks, render_chart

from .factories import make_programme

REPORTS = "/gestion/tableau-de-bord/rapports/"


def _pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    # Long headings wrap: compare words, not line breaks.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _download(client, report):
    response = client.get(f"{REPORTS}{report.pk}/telecharger/")
    return response, b"".join(response.streaming_content)


def test_organiser_requests_the_report_and_downloads_its_pdf(
    organiser_client, organiser, django_capture_on_commit_callbacks
):
    make_programme(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(REPORTS, {"report-year": "2025"})

    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert (report.year, report.call, report.state, report.progress) == (
        2025,
        None,
        ReportState.DONE,
        100,
    )
    status = organiser_client.get(f"{REPORTS}{report.pk}/etat/").json()
    assert status == {
        "id": report.pk,
        "state": "done",
        "state_label": "Prêt",
        "progress": 100,
        "finished": True,
        "error": "",
        "download_url": f"{REPORTS}{report.pk}/telecharger/",
    }
    download, data = _download(organiser_client, report)
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == (
        "no-store, max-age=0, no-cache, must-revalidate, private"
    )
    assert download["Content-Disposition"] == (
        'attachment; filename="openbatignolles-rapport-2025.pdf"'
    )
    text = _pdf_text(data)
    for expected in [
        "Rapport annuel 2025",
        "Les vagues ouvertes en 2025.",
        "Candidatures par vague et type de porteur",
        "Candidatures par thème",
        "Recevabilité et décisions par vague",
        "Avancement du jury par vague",
        "Participation aux ateliers et absences",
        "Inscriptions et votes du DemoDay",
        "Requêtes à l’API par Projet et par mois",
        "Requêtes à l’API par jeu de données et par mois",
        "Complétude des données des capteurs par jeu de données et par mois",
        "Appel 2025",
        "Livraisons",
        "Bruit nocturne",
        "DemoDay 2026",
        "62,5",
    ]:
        assert expected in text, expected
    assert "Appel 2026" not in text
    verbs = list(
        AuditEvent.objects.filter(target_id=str(report.pk), verb__startswith="dash")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "dashboard.report_requested",
        "dashboard.report_built",
        "dashboard.report_downloaded",
    ]


def test_partner_downloads_a_report_built_by_an_organiser(
    client, partner, organiser, django_capture_on_commit_callbacks
):
    make_programme(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        report = request_annual_report(year=2025, actor=organiser)
    client.force_login(partner)

    page = client.get("/en/gestion/tableau-de-bord/")
    download, data = _download(client, report)

    assert "Download the 2025 report (PDF)" in page.content.decode()
    assert download.status_code == 200
    assert "Avancement du jury par vague" in _pdf_text(data)


def test_a_report_not_ready_is_not_downloaded(organiser_client, organiser):
    report = AnnualReport.objects.create(year=2025, requested_by=organiser)

    response = organiser_client.get(f"{REPORTS}{report.pk}/telecharger/")
    status = organiser_client.get(f"{REPORTS}{report.pk}/etat/").json()

    assert response.status_code == 404
    assert (status["state_label"], status["finished"], status["download_url"]) == (
        "En attente de constitution",
        False,
        "",
    )


def test_a_year_outside_the_list_is_refused_with_a_message(organiser_client):
    response = organiser_client.post(REPORTS, {"report-year": "1999"}, follow=True)

    assert AnnualReport.objects.count() == 0
    assert "Choisissez une année dans la liste." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_report(organiser, real_worker, settings, tmp_path):
    """A real worker consumes the Redis broker and builds the PDF."""
    settings.MEDIA_ROOT = tmp_path / "media"
    make_programme(organiser)
    with real_worker(shutdown_timeout=20):
        report = request_annual_report(year=2025, actor=organiser)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if report.is_finished:
                break
            time.sleep(0.5)

    assert (report.state, report.progress, report.error) == (ReportState.DONE, 100, "")
    with report.file.open("rb") as handle:
        text = _pdf_text(handle.read())
    assert "Avancement du jury par vague" in text


def test_svg_chart_escapes_its_text_and_scales_its_axis():
    figure = Figure(
        key="test",
        title="<script>alert(1)</script>",
        kind="bar",
        key_label="Mois",
        labels=["Rue <Legendre>"],
        columns=[Column("A & B", "requêtes")],
        series=[[42]],
        unit="requêtes",
    )

    svg = str(render_chart(figure))

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "Rue &lt;Legendre&gt;" in svg
    assert "A &amp; B" in svg
    assert nice_ticks(42) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]


def test_a_report_that_cannot_be_stored_fails_with_a_readable_reason(
    organiser, settings, tmp_path
):
    # MEDIA_ROOT is a file: the PDF cannot be written under it.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked
    report = AnnualReport.objects.create(year=2025, requested_by=organiser)

    build_annual_report(report)

    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error.startswith("Le rapport n’a pas pu être constitué\u00a0: ")
    assert AuditEvent.objects.filter(verb="dashboard.report_failed").count() == 1


def test_building_a_finished_report_again_changes_nothing(
    organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_annual_report(year=2025, actor=organiser)
    report.refresh_from_db()
    name = report.file.name

    build_annual_report(report)

    report.refresh_from_db()
    assert (report.state, report.file.name) == (ReportState.DONE, name)
    assert AuditEvent.objects.filter(verb="dashboard.report_built").count() == 1
