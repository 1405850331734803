"""Checks on what applicants type and upload."""

import hashlib

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .pdf_safety import check_pdf_bytes, safe_pdf_name  # noqa: F401 (re-exported)


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
        raise ValidationError(_("A SIRET number has 14 digits."), code="siret_length")
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


def _size(size_bytes):
    """A size as people read it everywhere on the portal ("10,5 Mo")."""
    return filesizeformat(size_bytes)


DEFAULT_MAX_PDF_BYTES = 20 * 1024 * 1024


def validate_pdf_upload(uploaded_file, *, max_bytes=DEFAULT_MAX_PDF_BYTES):
    """Check an uploaded file is a plain, passive PDF within ``max_bytes``.

    The file's name and declared content type are ignored: the size is checked
    before anything is read, then ``pdf_safety.check_pdf_bytes`` runs its
    bounded checks (active content, resource abuse, polyglots, encryption).
    Returns the file's SHA-256 and rewinds it. Raises ``ValidationError`` with
    a message meant for the applicant and a ``code`` naming the reason.
    Workshop materials use it too.
    """
    size = uploaded_file.size
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _(
                "The file weighs %(size)s; the limit is %(limit)s per file. "
                "Compress it or split it."
            ),
            code="too_large",
            params={"size": _size(size), "limit": _size(max_bytes)},
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    uploaded_file.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(
            _(
                "The file weighs %(size)s; the limit is %(limit)s per file. "
                "Compress it or split it."
            ),
            code="too_large",
            params={"size": _size(len(data)), "limit": _size(max_bytes)},
        )
    check_pdf_bytes(data)
    return hashlib.sha256(data).hexdigest()
