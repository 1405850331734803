"""Hostile PDFs are refused with the right reason; ordinary PDFs pass."""

import time
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Attachment
from applications.pdf_safety import MESSAGES, PdfRefused, check_pdf_bytes
from applications.validators import safe_pdf_name, validate_pdf_upload
from tests.applications.factories import ApplicationFactory
from tests.applications.test_attachments import upload
from tests.security.pdf_corpus import BENIGN, HOSTILE, build_pdf

CATEGORIES = {
    "javascript",
    "launch",
    "remote_goto",
    "submit_form",
    "rich_media",
    "xfa",
    "embedded_file",
    "unsafe_link",
    "bomb",
    "too_many_pages",
    "too_deep",
    "xref",
    "damaged",
    "polyglot",
    "encrypted",
    "not_pdf",
}


def test_the_corpus_is_large_and_covers_every_category():
    counts = Counter(code for _label, code, _make in HOSTILE)
    assert len(HOSTILE) >= 60
    assert set(counts) == CATEGORIES
    assert min(counts.values()) >= 2
    assert len({label for label, _code, _make in HOSTILE}) == len(HOSTILE)
    assert len(BENIGN) >= 5


@pytest.mark.parametrize(
    ("code", "make"),
    [pytest.param(code, make, id=label) for label, code, make in HOSTILE],
)
def test_each_hostile_file_is_refused_with_its_reason(code, make):
    data = make()
    started = time.monotonic()

    with pytest.raises(PdfRefused) as refused:
        check_pdf_bytes(data)

    assert refused.value.code == code
    assert time.monotonic() - started < 5
    message = refused.value.messages[0]
    assert message == str(MESSAGES[code]) % (refused.value.params or {})


@pytest.mark.parametrize("make", [pytest.param(m, id=label) for label, m in BENIGN])
def test_each_benign_file_is_accepted(make):
    data = make()

    check_pdf_bytes(data)  # no exception


def test_the_upload_validator_returns_the_sha256_of_a_benign_pdf():
    import hashlib

    data = BENIGN[1][1]()
    upload_file = SimpleUploadedFile("a.pdf", data, content_type="application/pdf")

    assert validate_pdf_upload(upload_file) == hashlib.sha256(data).hexdigest()
    assert upload_file.tell() == 0


def test_the_upload_validator_refuses_before_reading_an_oversized_file():
    upload_file = SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2000)

    with pytest.raises(Exception) as refused:
        validate_pdf_upload(upload_file, max_bytes=1000)

    assert refused.value.code == "too_large"


def test_a_hostile_upload_is_refused_in_the_page_with_its_translated_reason(
    client, user
):
    application = ApplicationFactory(created_by=user, title="Capteurs Cardinet")
    client.force_login(user)
    hostile = dict((label, make) for label, _code, make in HOSTILE)

    response = upload(client, application, hostile["js_openaction"](), name="deck.pdf")

    html = response.content.decode()
    assert "“deck.pdf” was refused: This PDF contains JavaScript" in html
    assert Attachment.objects.count() == 0
    application.refresh_from_db()
    assert application.title == "Capteurs Cardinet"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Pitch Batignolles.pdf", "Pitch Batignolles.pdf"),
        ("cv.exe", "cv_exe.pdf"),
        ("cv.pdf.exe", "cv_pdf_exe.pdf"),
        ("../../etc/passwd", "etc_passwd.pdf"),
        ("..\\..\\boot.ini", "boot_ini.pdf"),
        ("a\uff0fb\uff3cc.pdf", "a_b_c.pdf"),  # fullwidth slashes, after NFKC
        ("invoice\u202efdp.exe", "invoicefdp_exe.pdf"),  # right-to-left override
        ("tab\tand\nnewline.pdf", "tab and newline.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1", "_lpt1.pdf"),
        ("com¹.pdf", "_com1.pdf"),
        ("", "document.pdf"),
        ("....pdf", "document.pdf"),
        ("Deck.PDF", "Deck.pdf"),
    ],
)
def test_safe_pdf_name(given, expected):
    assert safe_pdf_name(given) == expected


def test_safe_pdf_name_fits_255_bytes_of_utf8_without_cutting_a_character():
    name = safe_pdf_name("é" * 300 + ".pdf")

    assert len(name.encode("utf-8")) <= 255
    assert name.endswith(".pdf")
    assert set(name[:-4]) == {"é"}


def test_uploaded_names_are_stored_and_served_safely(client, user):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)
    data = BENIGN[3][1]()

    upload(client, application, data, name="rapport\u202efdp.exe")

    attachment = Attachment.objects.get()
    assert attachment.original_name == "rapportfdp_exe.pdf"
    response = client.get(
        f"/en/appels/candidatures/{application.reference}"
        f"/pieces-jointes/{attachment.pk}/"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="rapportfdp_exe.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_organisers_get_a_safe_name_even_for_a_name_stored_before_the_rules(
    organiser_client,
):
    from django.core.files.base import ContentFile
    from django.urls import reverse

    application = ApplicationFactory()
    attachment = application.attachments.create(
        file=ContentFile(build_pdf(), name="deck.pdf"),
        original_name="nul.txt\u202efdp.exe",
        size=10,
        sha256="0" * 64,
    )

    response = organiser_client.get(
        reverse(
            "applications_bo:attachment_download",
            kwargs={
                "slug": application.call.slug,
                "reference": application.reference,
                "attachment_id": attachment.pk,
            },
        )
    )

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="_nul_txtfdp_exe.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
