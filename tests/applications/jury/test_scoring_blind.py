"""Blind review: nothing a juror of a blind call reaches names the applicants."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from weasyprint import HTML

from applications.jury.services.blind import blind_content
from applications.models import Attachment
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    SubmissionFactory,
    UserFactory,
    make_complete_application,
)

from .factories_scoring import assign, declared_juror, review_call

NAME = "Théodore Vasseur"
EMAIL = "theodore.vasseur@batignolles-lab.example.org"
ORGANISATION = "Batignolles Lab"
SIRET = "73282932000074"
WEBSITE = "https://batignolles-lab.example.org"
CO_APPLICANT = "Inès Moreau"
LEAKS = [
    "Théodore",
    "Vasseur",
    "theodore.vasseur",
    "batignolles lab",
    "batignolles-lab",
    SIRET,
    "732 829 320 00074",
    "Inès",
    "Moreau",
    "ines.moreau",
    "pitch-deck",
]


def _pdf_with_metadata():
    html = (
        "<html><head><meta charset='utf-8'><title>Batignolles Lab – pitch</title>"
        f"<meta name='author' content='{NAME}'>"
        "<meta name='keywords' content='Batignolles Lab, Vasseur'>"
        "<meta name='description' content='Dossier de Batignolles Lab'>"
        "<meta name='generator' content='Batignolles Lab Office'>"
        "</head><body><p>Places de livraison libres rue Legendre.</p></body></html>"
    )
    return HTML(string=html).write_pdf()


@pytest.fixture
def blind(db, client, settings):
    call = review_call(slug="ami-aveugle", blind_review=True)
    lead = UserFactory(full_name=NAME, email=EMAIL)
    application = make_complete_application(
        call=call,
        reference="AMI-0042",
        created_by=lead,
        organisation_name=ORGANISATION,
        siret=SIRET,
        website=WEBSITE,
        title="Batignolles Lab : places de livraison",
        proposed_service=(
            "Chez Batignolles Lab, Théodore Vasseur (theodore.vasseur@"
            "batignolles-lab.example.org) dessine une carte des places libres."
        ),
        state="admissible",
    )
    member = UserFactory(full_name=CO_APPLICANT, email="ines.moreau@example.org")
    application.team.create(user=member, role="member", job_title="Développeuse")
    data = _pdf_with_metadata()
    attachment = application.attachments.get()
    attachment.file.save("upload.pdf", ContentFile(data), save=False)
    attachment.size = len(data)
    attachment.sha256 = hashlib.sha256(data).hexdigest()
    attachment.save()
    SubmissionFactory(application=application, number=1)
    membership = declared_juror(call)
    assign(membership, application)
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(membership.user)
    return call, application, client


def _assert_no_leak(text):
    lowered = text.lower()
    for leak in LEAKS:
        assert leak.lower() not in lowered, leak


def test_blind_pages_name_nobody(blind):
    call, application, client = blind
    for language in ("fr", "en"):
        prefix = "" if language == "fr" else "/en"
        queue = client.get(f"{prefix}/jury/{call.slug}/")
        page = client.get(f"{prefix}/jury/{call.slug}/{application.reference}/")
        assert (queue.status_code, page.status_code) == (200, 200)
        _assert_no_leak(queue.content.decode())
        html = page.content.decode()
        _assert_no_leak(html)
        # The rest of the application is there, the names masked.
        assert "▒▒▒ : places de livraison" in html
        assert "Chez ▒▒▒, ▒▒▒ (▒▒▒) dessine une carte des places libres." in html
        assert "AMI-0042-1.pdf" in html


def test_blind_attachment_has_no_metadata_and_a_neutral_name(blind):
    call, application, client = blind
    address = reverse(
        "jury:score_attachment",
        kwargs={"slug": call.slug, "reference": application.reference, "number": 1},
    )
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="AMI-0042-1.pdf"'
    data = response.content
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Places de livraison libres rue Legendre." in text
    _assert_no_leak(text)
    _assert_no_leak(data.decode("latin-1"))
    # The stored file keeps its metadata: only the juror's copy is stripped.
    stored = PdfReader(Attachment.objects.get().file.open("rb"))
    assert stored.metadata.author == NAME


def test_open_call_shows_the_applicants_to_its_jurors(blind):
    call, application, client = blind
    call.blind_review = False
    call.save()
    html = client.get(f"/jury/{call.slug}/{application.reference}/").content.decode()
    assert ORGANISATION in html
    assert "pitch-deck.pdf" in html


def test_blind_content_leaves_sections_alone_on_an_open_call(db):
    call = CallFactory(blind_review=False)
    sections = [{"key": "team", "title": "Équipe", "rows": [("Équipe", NAME)]}]
    assert blind_content(sections, call) is sections


def test_applicants_are_told_the_call_is_blind(db, client):
    blind_call = CallFactory(slug="ami-a-l-aveugle", blind_review=True)
    open_call = CallFactory(slug="ami-ouvert")
    notice = (
        "This call is reviewed blind: do not write your names or your "
        "organisation in the free texts."
    )
    application = ApplicationFactory(call=blind_call)
    open_application = ApplicationFactory(call=open_call)
    with translation.override("en"):
        pages = {
            "blind call": reverse(
                "applications:call_detail", kwargs={"slug": blind_call.slug}
            ),
            "open call": reverse(
                "applications:call_detail", kwargs={"slug": open_call.slug}
            ),
            "blind form": reverse(
                "applications:application_edit",
                kwargs={"reference": application.reference},
            ),
            "open form": reverse(
                "applications:application_edit",
                kwargs={"reference": open_application.reference},
            ),
        }
    seen = {}
    for name, address in pages.items():
        user = (open_application if "open" in name else application).created_by
        client.force_login(user)
        response = client.get(address)
        assert response.status_code == 200, name
        seen[name] = notice in response.content.decode()
    assert seen == {
        "blind call": True,
        "open call": False,
        "blind form": True,
        "open form": False,
    }
