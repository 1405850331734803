"""The jury dossier built by the worker: its ZIP, PDFs and scores.csv."""

import csv
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from pypdf import PdfReader, PdfWriter

from applications.enums import ApplicationState
from applications.jury.enums import ConflictSource, ConflictStatus, RunState
from applications.jury.models import Conflict, Dossier
from applications.jury.selectors.dossiers import normalised_scores
from applications.jury.services.dossiers import build_dossier
from portal.audit.models import AuditEvent
from tests.applications.factories import AttachmentFactory, CallFactory

from .factories_dossiers import (
    make_deposited_application,
    make_grid,
    make_juror,
    make_sheet,
)


def _two_page_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=300, height=400)
    writer.add_blank_page(width=300, height=400)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def jury_call(db):
    call = CallFactory(slug="ami-test", title_en="Test call", title_fr="Appel test")
    grid = make_grid(call)
    apps = [
        make_deposited_application(call, reference=f"AMI-{n:04d}", title=f"Projet {n}")
        for n in range(1, 6)
    ]
    # Not in the dossier: never deposited, or refused at admissibility.
    make_deposited_application(
        call,
        reference="AMI-0006",
        title="Projet refusé",
        state=ApplicationState.INADMISSIBLE,
    )
    make_deposited_application(
        call, reference="AMI-0007", title="Brouillon", state=ApplicationState.DRAFT
    )
    lenient = make_juror(
        call,
        email="karim@parisandco.example",
        full_name="Karim Benali",
        organisation="Paris&Co",
    )
    for application, value in zip(apps, [5, 4, 3, 2, 1], strict=True):
        make_sheet(lenient, application, grid, [value, value, value])
    few = make_juror(
        call,
        email="anne@expert.example",
        full_name="Anne Moreau",
        organisation="=cmd|' /C calc'!A0",
    )
    make_sheet(
        few,
        apps[0],
        grid,
        [(4, "Très utile rue Legendre."), ("na", "Sans objet ici."), 2],
        overall="Bon dossier.",
    )
    # A draft sheet never shows.
    make_sheet(few, apps[1], grid, [1, 1, 1], submitted=False)
    conflicted = make_juror(
        call,
        email="thomas@upciti.example",
        full_name="Thomas Girard",
        organisation="Upciti",
    )
    make_sheet(conflicted, apps[0], grid, [(0, "Commentaire secret"), 0, 0])
    Conflict.objects.create(
        membership=conflicted,
        application=apps[0],
        source=ConflictSource.DECLARED,
        status=ConflictStatus.CONFIRMED,
    )
    AttachmentFactory(
        application=apps[0],
        original_name="deck.pdf",
        file=ContentFile(_two_page_pdf(), name="deck.pdf"),
    )
    AttachmentFactory(
        application=apps[1],
        original_name="cassé.pdf",
        file=ContentFile(b"%PDF-1.4 this is not a PDF", name="broken.pdf"),
    )
    return call


def _build(call, *, include_scores):
    dossier = Dossier.objects.create(call=call, include_scores=include_scores)
    with translation.override("en"):
        build_dossier(dossier)
    dossier.refresh_from_db()
    return dossier


def _zip(dossier):
    with dossier.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _text(pdf_bytes):
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages
    )


def test_dossier_holds_one_pdf_per_admissible_application_and_the_csv(jury_call):
    dossier = _build(jury_call, include_scores=True)

    assert (dossier.state, dossier.progress, dossier.error) == (RunState.DONE, 100, "")
    assert dossier.finished_at is not None
    assert sorted(_zip(dossier).namelist()) == [
        "AMI-0001.pdf",
        "AMI-0002.pdf",
        "AMI-0003.pdf",
        "AMI-0004.pdf",
        "AMI-0005.pdf",
        "scores.csv",
    ]
    assert list(
        AuditEvent.objects.filter(verb="jury.dossier_built").values_list(
            "after", flat=True
        )
    ) == [{"applications": 5, "sheets": 6}]


def test_dossier_pdf_appends_attachments_and_writes_scores(jury_call):
    archive = _zip(_build(jury_call, include_scores=True))
    pdf = archive.read("AMI-0001.pdf")
    pages = PdfReader(io.BytesIO(pdf)).pages

    # The two pages of the attachment come last, as they were.
    assert [
        (float(p.mediabox.width), float(p.mediabox.height)) for p in pages[-2:]
    ] == [
        (300.0, 400.0),
        (300.0, 400.0),
    ]
    text = _text(pdf)
    assert "Projet 1" in text
    assert "Sheet of Karim Benali (Paris&Co)" in text
    assert "Sheet of Anne Moreau" in text
    assert "Weighted score: 68.57 / 100" in text
    assert "Not applicable" in text
    assert "Sans objet ici." in text
    assert "Très utile rue Legendre." in text
    assert "Bon dossier." in text
    # The conflicted juror's sheet is nowhere.
    assert "Thomas Girard" not in text
    assert "Commentaire secret" not in text


def test_dossier_skips_a_broken_attachment_with_a_note_page(jury_call):
    archive = _zip(_build(jury_call, include_scores=False))
    pdf = archive.read("AMI-0002.pdf")
    last_page = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()

    assert "Attachment not appended" in last_page
    assert "cassé.pdf" in last_page


def test_dossier_without_scores_has_no_scores_in_pdfs(jury_call):
    archive = _zip(_build(jury_call, include_scores=False))
    text = _text(archive.read("AMI-0001.pdf"))

    assert "Karim Benali" not in text
    assert "Très utile rue Legendre." not in text
    assert "Projet 1" in text


def test_scores_csv_raw_weighted_and_normalised(jury_call):
    archive = _zip(_build(jury_call, include_scores=False))
    raw = archive.read("scores.csv").decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))

    assert rows[0] == [
        "Application",
        "Project title",
        "Juror",
        "Juror's organisation",
        "Criterion",
        "Weight",
        "Highest score",
        "Score",
        "Not applicable",
        "Comment",
        "Weighted score of the sheet (0-100)",
        "Normalised score of the sheet (z)",
        "Submitted at (Paris time)",
    ]
    body = [row[:12] for row in rows[1:]]
    # 6 submitted sheets not conflicted × 3 criteria.
    assert len(body) == 18
    assert body[0:3] == [
        [
            "AMI-0001",
            "Projet 1",
            "Karim Benali",
            "Paris&Co",
            "Usefulness to residents",
            "50",
            "5",
            "5",
            "No",
            "",
            "100.00",
            "1.41",
        ],
        [
            "AMI-0001",
            "Projet 1",
            "Karim Benali",
            "Paris&Co",
            "Innovation",
            "30",
            "5",
            "5",
            "No",
            "",
            "100.00",
            "1.41",
        ],
        [
            "AMI-0001",
            "Projet 1",
            "Karim Benali",
            "Paris&Co",
            "Feasibility",
            "20",
            "5",
            "5",
            "No",
            "",
            "100.00",
            "1.41",
        ],
    ]
    # Below five sheets the normalised score is blank; a formula is defused.
    assert body[3:6] == [
        [
            "AMI-0001",
            "Projet 1",
            "Anne Moreau",
            "'=cmd|' /C calc'!A0",
            "Usefulness to residents",
            "50",
            "5",
            "4",
            "No",
            "Très utile rue Legendre.",
            "68.57",
            "",
        ],
        [
            "AMI-0001",
            "Projet 1",
            "Anne Moreau",
            "'=cmd|' /C calc'!A0",
            "Innovation",
            "30",
            "5",
            "",
            "Yes",
            "Sans objet ici.",
            "68.57",
            "",
        ],
        [
            "AMI-0001",
            "Projet 1",
            "Anne Moreau",
            "'=cmd|' /C calc'!A0",
            "Feasibility",
            "20",
            "5",
            "2",
            "No",
            "",
            "68.57",
            "",
        ],
    ]
    per_sheet = [(row[0], row[2], row[10], row[11]) for row in body[::3]]
    assert per_sheet == [
        ("AMI-0001", "Karim Benali", "100.00", "1.41"),
        ("AMI-0001", "Anne Moreau", "68.57", ""),
        ("AMI-0002", "Karim Benali", "80.00", "0.71"),
        ("AMI-0003", "Karim Benali", "60.00", "0.00"),
        ("AMI-0004", "Karim Benali", "40.00", "-0.71"),
        ("AMI-0005", "Karim Benali", "20.00", "-1.41"),
    ]
    assert "Thomas Girard" not in raw


def test_normalised_scores_blank_when_a_juror_gives_one_score_to_all(db):
    call = CallFactory()
    grid = make_grid(call)
    juror = make_juror(call, email="flat@example.org", full_name="Flat")
    sheets = [
        make_sheet(
            juror,
            make_deposited_application(call, reference=f"F-{n}", title=f"P{n}"),
            grid,
            [3, 3, 3],
        )
        for n in range(5)
    ]
    from applications.jury.selectors.dossiers import submitted_sheets_for_call

    assert normalised_scores(list(submitted_sheets_for_call(call))) == {}
    assert len(sheets) == 5


def test_dossier_failure_is_recorded_readably(jury_call, settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocked
    dossier = Dossier.objects.create(call=jury_call)
    with translation.override("en"):
        build_dossier(dossier)
    dossier.refresh_from_db()

    assert dossier.state == RunState.FAILED
    assert dossier.error.startswith("The dossier could not be built: ")
    assert not dossier.file
    assert AuditEvent.objects.filter(verb="jury.dossier_failed").count() == 1


def test_dossier_built_twice_is_left_alone(jury_call):
    dossier = _build(jury_call, include_scores=False)
    name = dossier.file.name
    build_dossier(dossier)
    dossier.refresh_from_db()

    assert (dossier.state, dossier.file.name) == (RunState.DONE, name)
    assert AuditEvent.objects.filter(verb="jury.dossier_built").count() == 1
