import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from applications.validators import luhn_is_valid, validate_pdf_upload, validate_siret


def pdf_bytes(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("73282932000074", True),  # a real SIRET (luhn)
        ("732 829 320 00074", True),
        ("35600000000015", True),  # La Poste: digit sum multiple of 5
        ("73282932000075", False),
        ("1234567890123", False),
        ("7328293200007A", False),
        ("", True),
    ],
)
def test_validate_siret_checks_length_and_checksum(value, valid):
    if valid:
        validate_siret(value)
    else:
        with pytest.raises(ValidationError):
            validate_siret(value)


def test_luhn_known_values():
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")


def test_validate_pdf_upload_accepts_a_real_pdf_and_returns_its_sha256():
    import hashlib

    data = pdf_bytes()
    upload = SimpleUploadedFile("deck.pdf", data, content_type="application/pdf")

    assert validate_pdf_upload(upload, max_bytes=10**6) == hashlib.sha256(
        data
    ).hexdigest()
    assert upload.tell() == 0


def test_validate_pdf_upload_refuses_an_executable_renamed_pdf():
    upload = SimpleUploadedFile(
        "deck.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf_upload(upload, max_bytes=10**6)
    assert excinfo.value.code == "not_pdf"


def test_validate_pdf_upload_refuses_html_sent_as_pdf():
    upload = SimpleUploadedFile(
        "deck.pdf",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        content_type="application/pdf",
    )
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf_upload(upload, max_bytes=10**6)
    assert excinfo.value.code == "not_pdf"


def test_validate_pdf_upload_refuses_a_fake_pdf_header():
    upload = SimpleUploadedFile(
        "deck.pdf", b"%PDF-1.7\nthis is not really a pdf", content_type="text/plain"
    )
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf_upload(upload, max_bytes=10**6)
    assert excinfo.value.code == "not_pdf"


def test_validate_pdf_upload_refuses_an_oversize_file_with_the_limit():
    data = pdf_bytes()
    upload = SimpleUploadedFile("deck.pdf", data, content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf_upload(upload, max_bytes=len(data) - 1)
    assert excinfo.value.code == "too_large"


def test_validate_pdf_upload_refuses_an_empty_file():
    upload = SimpleUploadedFile("deck.pdf", b"", content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf_upload(upload, max_bytes=10**6)
    assert excinfo.value.code == "empty"
