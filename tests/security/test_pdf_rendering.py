"""Every PDF template rendered with hostile user content fetches nothing
outside the project's static files, and the PDFs it writes are passive."""

import io
import urllib.request
import zipfile

import pytest
import weasyprint.urls
from django.core.files.base import ContentFile
from django.utils import translation

from applications import pdf as application_pdf
from applications.jury.models import Dossier
from applications.jury.services.dossiers import build_dossier
from applications.pdf import PDF_BASE_URL, StaticFilesURLFetcher
from applications.pdf_safety import check_pdf_bytes
from applications.services.submission import application_content
from tests.applications.factories import AttachmentFactory, CallFactory
from tests.applications.jury.factories_dossiers import (
    make_deposited_application,
    make_grid,
    make_juror,
    make_sheet,
)
from tests.security.pdf_corpus import build_pdf

HOSTILE_URLS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:6379/",
    "http://10.0.0.1/internal.css",
    "https://evil.example/tracker.png",
    "file:///etc/passwd",
    "//evil.example/protocol-relative.css",
    "/static/../../portal/settings/base.py",
]
HOSTILE_TEXT = (
    '<img src="http://169.254.169.254/latest/meta-data/">'
    '<link rel="stylesheet" href="file:///etc/passwd">'
    "<style>@import url(http://10.0.0.1/internal.css); "
    "body { background: url(https://evil.example/tracker.png) }</style>"
    '<iframe src="http://127.0.0.1:6379/"></iframe>'
    '<a href="javascript:alert(1)">x</a>'
    "![x](//evil.example/protocol-relative.css) "
    "[y](/static/../../portal/settings/base.py) file:///etc/passwd"
)
ALLOWED_PREFIX = PDF_BASE_URL + "static/"


@pytest.fixture
def fetch_log(monkeypatch):
    """Record each URL WeasyPrint asks for and what the fetcher answered;
    fail loudly if anything reaches the network fetcher of WeasyPrint or urllib."""
    log = []
    original = StaticFilesURLFetcher.fetch

    def recording(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except ValueError:
            log.append((url, "refused"))
            raise
        log.append((url, "served"))
        return response

    def network(*args, **kwargs):
        log.append((str(args[0]) if args else "?", "NETWORK"))
        raise AssertionError("a PDF render reached the network")

    monkeypatch.setattr(StaticFilesURLFetcher, "fetch", recording)
    monkeypatch.setattr(urllib.request, "urlopen", network)
    monkeypatch.setattr(weasyprint.urls.URLFetcher, "open", network)
    return log


def assert_only_static_files_fetched(log):
    served = [url for url, outcome in log if outcome == "served"]
    assert served, "the stylesheet should have been fetched"
    assert all(url.startswith(ALLOWED_PREFIX) for url in served), served
    assert all(".." not in url for url in served)
    assert not [url for url, outcome in log if outcome == "NETWORK"]


@pytest.fixture
def hostile_call(db):
    call = CallFactory(slug="ami-hostile", title_en="Hostile", title_fr="Hostile")
    grid = make_grid(call)
    application = make_deposited_application(
        call,
        reference="AMI-6666",
        title=HOSTILE_TEXT[:200],
        summary=HOSTILE_TEXT,
        problem=HOSTILE_TEXT,
        proposed_service=HOSTILE_TEXT,
        organisation_name='<img src="http://10.0.0.1/x.png">',
        website="javascript:alert(1)",
    )
    juror = make_juror(
        call,
        email="juree@example.org",
        full_name='<img src="file:///etc/shadow">',
        organisation="@import url(http://10.0.0.1/j.css)",
    )
    make_sheet(
        juror,
        application,
        grid,
        [(4, HOSTILE_TEXT), 3, 2],
        overall=HOSTILE_TEXT,
    )
    AttachmentFactory(
        application=application,
        original_name='<img src="http://127.0.0.1/">.pdf',
        file=ContentFile(build_pdf(), name="deck.pdf"),
    )
    return call, application


def test_the_application_pdf_with_hostile_content_fetches_only_static_files(
    hostile_call, fetch_log
):
    _call, application = hostile_call
    refused_before = application_pdf.FETCHES["refused"]

    with translation.override("fr"):
        data = application_pdf.render_application_pdf(
            application, content=application_content(application)
        )

    assert_only_static_files_fetched(fetch_log)
    assert application_pdf.FETCHES["refused"] == refused_before + len(
        [url for url, outcome in fetch_log if outcome == "refused"]
    )
    check_pdf_bytes(data)  # the PDF we write is itself passive


def test_the_submission_receipt_with_hostile_content_is_passive(
    hostile_call, fetch_log
):
    _call, application = hostile_call
    submission = application.submissions.get()

    data = application_pdf.render_application_pdf(application, submission=submission)

    assert_only_static_files_fetched(fetch_log)
    check_pdf_bytes(data)


def test_the_jury_dossier_with_hostile_content_fetches_only_static_files(
    hostile_call, fetch_log
):
    call, _application = hostile_call
    dossier = Dossier.objects.create(call=call, include_scores=True)

    with translation.override("en"):
        build_dossier(dossier)

    assert_only_static_files_fetched(fetch_log)
    dossier.refresh_from_db()
    with dossier.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert pdfs
    for name in pdfs:
        check_pdf_bytes(archive.read(name))


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_fetcher_refuses_each_hostile_url(url):
    from urllib.parse import urljoin

    with pytest.raises(ValueError):
        StaticFilesURLFetcher().fetch(urljoin(PDF_BASE_URL, url))


def test_the_fetcher_serves_the_pdf_stylesheet():
    response = StaticFilesURLFetcher().fetch(PDF_BASE_URL + "static/css/pdf.css")

    assert response is not None


def test_hostile_markup_reaching_weasyprint_is_refused_by_the_fetcher(fetch_log):
    """Were a template to print user content unescaped, the fetcher still
    refuses every address outside the static files."""
    from weasyprint import HTML

    html = (
        '<html><head><link rel="stylesheet" href="/static/css/pdf.css">'
        f"</head><body>{HOSTILE_TEXT}</body></html>"
    )

    data = HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
    ).write_pdf()

    refused = {url for url, outcome in fetch_log if outcome == "refused"}
    assert "http://169.254.169.254/latest/meta-data/" in refused
    assert "file:///etc/passwd" in refused
    assert "http://10.0.0.1/internal.css" in refused
    assert "https://evil.example/tracker.png" in refused
    assert_only_static_files_fetched(fetch_log)
    assert data.startswith(b"%PDF-")
