"""A long unbroken word in an applicant's text (a pasted address) stays inside
the receipt PDF's page: WeasyPrint breaks it at the margin (pdf.css)."""

import pytest
from django.utils import translation
from weasyprint.formatting_structure import boxes

from applications.pdf import application_pdf_layout
from applications.services.submission import application_content
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

LONG_URL = "https://example.org/" + "batignolles" * 40


def rightmost_text(document):
    """The right edge of the furthest text on any page, and the page width
    less its right margin (CSS pixels)."""
    right, limit = 0.0, None
    for page in document.pages:
        page_box = page._page_box
        limit = page_box.margin_width() - page_box.margin_right
        for box in page_box.descendants():
            if isinstance(box, boxes.TextBox):
                right = max(right, box.position_x + box.width)
    return right, limit


def test_receipt_breaks_a_long_address_at_the_margin():
    application = ApplicationFactory(
        title="Places de livraison",
        proposed_service=f"Une carte des places libres : {LONG_URL}",
    )

    with translation.override("fr"):
        document = application_pdf_layout(
            application, content=application_content(application)
        )

    right, limit = rightmost_text(document)
    assert right <= limit + 0.5
    text = "".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TextBox)
    )
    assert LONG_URL in text
