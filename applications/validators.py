"""Checks on what applicants type and upload."""

import hashlib
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF_MAGIC = b"%PDF-"


def luhn_is_valid(digits):
    """Return True when the string of digits passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value):
    """Drop the spaces and dots people type inside a SIRET."""
    return "".join(char for char in (value or "") if char not in " .\u00a0")


def validate_siret(value):
    """A SIRET is 14 digits passing the Luhn checksum (La Poste's are special)."""
    siret = normalise_siret(value)
    if not siret:
        return
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError(
            _("A SIRET number has 14 digits."), code="siret_length"
        )
    # La Poste's establishments (SIREN 356000000) use a digit sum instead.
    if siret.startswith("356000000"):
        if sum(int(char) for char in siret) % 5 == 0:
            return
    elif luhn_is_valid(siret):
        return
    raise ValidationError(
        _("This SIRET number is not valid (check digit). Check it on your Kbis."),
        code="siret_checksum",
    )


def _megabytes(limit_bytes):
    return round(limit_bytes / (1024 * 1024), 1)


def validate_pdf_upload(uploaded_file, *, max_bytes):
    """Check an uploaded file is a PDF by its content and within ``max_bytes``.

    The file's name and declared content type are ignored: the content must
    start with ``%PDF-`` and pypdf must read its pages. Returns the file's
    SHA-256 and rewinds it. Raises ``ValidationError`` with a message meant for
    the applicant.
    """
    size = uploaded_file.size
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _(
                "The file weighs %(size)s MB; the limit is %(limit)s MB per file. "
                "Compress it or split it."
            ),
            code="too_large",
            params={"size": _megabytes(size), "limit": _megabytes(max_bytes)},
        )
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    not_a_pdf = ValidationError(
        _(
            "This file is not a PDF (whatever its name says). "
            "Export your document as PDF and try again."
        ),
        code="not_pdf",
    )
    if not data.startswith(PDF_MAGIC):
        raise not_a_pdf
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is protected by a password: send it without one."),
                code="encrypted",
            )
        if len(reader.pages) < 1:
            raise not_a_pdf
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise not_a_pdf from exc
    return hashlib.sha256(data).hexdigest()
