"""Exports of the back office: the CSV of a filtered list, one application's PDF."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.enums import ApplicantType, ApplicationState, Theme
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    SubmissionFactory,
    make_complete_application,
)

S = ApplicationState


@pytest.fixture
def call(db):
    return CallFactory(slug="ami-2026")


def export(client, call, **params):
    response = client.get(
        reverse("applications_bo:application_export", kwargs={"slug": call.slug}),
        params,
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="candidatures-ami-2026-'
    )
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.django_db
def test_csv_export_has_bom_semicolons_and_accents(organiser_client, call):
    application = make_complete_application(
        call=call,
        reference="AMI2-0001",
        state=S.SUBMITTED,
        title="Baromètre du bruit nocturne",
        organisation_name="Association Les Dames; Batignolles",
        themes=[Theme.TRANQUILLITY],
    )
    text = export(organiser_client, call)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 2
    header, row = rows
    # One column per field of the registry (its label), the record around them.
    assert len(header) == 33
    cells = dict(zip(header, row, strict=True))
    assert cells["Référence"] == "AMI2-0001"
    assert cells["Titre du projet"] == "Baromètre du bruit nocturne"
    assert cells["Nom de la structure"] == "Association Les Dames; Batignolles"
    assert cells["SIRET"] == "73282932000074"
    assert cells["Thématiques"] == "Tranquillité publique (bruit)"
    assert cells["Jeux de données demandés"] == (
        "Occupation du stationnement (Horaire) · "
        "Compter les passages aux heures de marché."
    )
    assert cells["Courriel du porteur principal"] == application.created_by.email


@pytest.mark.django_db
def test_csv_export_applies_the_list_filters(organiser_client, call):
    make_complete_application(
        call=call,
        reference="KEEP-1",
        state=S.SUBMITTED,
        applicant_type=ApplicantType.ASSOCIATION,
    )
    make_complete_application(call=call, reference="DROP-1", state=S.SUBMITTED)
    ApplicationFactory(call=CallFactory(), reference="OTHER-1", state=S.SUBMITTED)
    text = export(organiser_client, call, applicant_type="association")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["KEEP-1"]


@pytest.mark.django_db
def test_csv_export_invalid_filter_gives_header_only(organiser_client, call):
    make_complete_application(call=call, state=S.SUBMITTED)
    text = export(organiser_client, call, state="nonsense")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 1


@pytest.mark.django_db
def test_pdf_export_is_a_readable_pdf(organiser_client, call):
    application = make_complete_application(
        call=call, reference="AMI2-0007", state=S.SUBMITTED, title="Rues calmes"
    )
    SubmissionFactory(application=application, number=1)
    response = organiser_client.get(
        reverse(
            "applications_bo:application_pdf",
            kwargs={"slug": call.slug, "reference": application.reference},
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="AMI2-0007.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "AMI2-0007" in text
