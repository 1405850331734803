"""Blind review: what a juror of a blind call reads, names taken out.

Jurors of a call with ``blind_review`` see no name, organisation, team, email,
SIRET or website: the fields holding them are left out, the same strings are
masked where the applicants wrote them in free texts anyway, and the PDFs they
download lose their metadata (author, title...) and their file names.
"""

import io
import re
from urllib.parse import urlsplit

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from ...fields.registry import FIELDS

# Content fields that name the applicants: left out of a blind reading.
IDENTIFYING_FIELDS = ("organisation_name", "siret", "website", "team")
# Sections a blind reading leaves out whole: the team, and the attachments'
# original file names (the juror downloads them renamed).
IDENTIFYING_SECTIONS = ("team", "attachments")
MASK = "▒▒▒"


def identifying_strings(content):
    """Return the strings of frozen ``content`` that name the applicants:
    organisation, SIRET (with and without spaces), website host, team
    members' names and emails. Longest first, so that masking an email
    happens before masking the name inside it."""
    if not isinstance(content, dict):
        return []
    found = set()
    organisation = content.get("organisation")
    if isinstance(organisation, dict):
        for name in ("name", "siret", "website"):
            value = organisation.get(name)
            if isinstance(value, str) and value.strip():
                found.add(value.strip())
        siret = organisation.get("siret")
        if isinstance(siret, str) and len(siret) == 14:
            found.add(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
        website = organisation.get("website")
        if isinstance(website, str):
            host = urlsplit(website).hostname or ""
            if host:
                found.add(host)
                found.add(host.removeprefix("www."))
    team = content.get("team")
    if isinstance(team, list):
        for member in team:
            if not isinstance(member, dict):
                continue
            for name in ("name", "email"):
                value = member.get(name)
                if isinstance(value, str) and value.strip():
                    found.add(value.strip())
            name = member.get("name")
            if isinstance(name, str):
                # A surname alone is as telling as the full name.
                found.update(part for part in name.split() if len(part) >= 4)
    return sorted((s for s in found if len(s) >= 3), key=len, reverse=True)


def mask_text(text, strings):
    """Return ``text`` with every one of ``strings`` (any case) masked."""
    if not strings or not isinstance(text, str):
        return text
    pattern = re.compile("|".join(re.escape(s) for s in strings), re.IGNORECASE)
    return pattern.sub(MASK, text)


def blind_content(sections, call, *, content=None):
    """Return ``sections`` (from ``applications.fields.content_sections``) as a
    juror of ``call`` may read them.

    Unchanged unless the call is reviewed blind. Then the team and attachment
    sections and the rows of the organisation's name, SIRET and website are
    left out, and, given the frozen ``content``, the names it holds are masked
    in every remaining text. Reusable for any juror-facing output (pages,
    PDFs, exports).
    """
    if not call.blind_review:
        return sections
    hidden_labels = {str(FIELDS[name].label) for name in IDENTIFYING_FIELDS}
    strings = identifying_strings(content)
    blinded = []
    for section in sections:
        if section["key"] in IDENTIFYING_SECTIONS:
            continue
        rows = [
            (label, mask_text(str(text), strings))
            for label, text in section["rows"]
            if str(label) not in hidden_labels
        ]
        if rows:
            blinded.append({**section, "rows": rows, "plain": section["plain"]})
    return blinded


def blind_title(title, call, *, content=None):
    """The application's title as a juror of ``call`` reads it."""
    if not call.blind_review:
        return title
    return mask_text(title, identifying_strings(content))


def blind_filename(reference, number):
    """The name a blind juror downloads the ``number``-th attachment under."""
    return f"{reference}-{number}.pdf"


def strip_pdf_metadata(data):
    """Return the PDF ``data`` rewritten without its document information
    (Author, Title, Creator, Producer, Subject, Keywords) nor XMP metadata.
    A file pypdf cannot read is returned as an empty one-page PDF rather than
    risk leaking what it holds."""
    writer = PdfWriter()
    try:
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            writer.add_page(page)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
    # pypdf writes a Producer of its own: an empty information dictionary.
    writer.metadata = None
    writer._info = None  # noqa: SLF001 - no /Info object at all in the file
    root = writer._root_object  # noqa: SLF001
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    for page in writer.pages:
        if NameObject("/Metadata") in page:
            del page[NameObject("/Metadata")]
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
