"""The PDF of an application (receipt, back-office export), with WeasyPrint."""

import mimetypes
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fields as registry

# A base URL that resolves nothing on the network: only static files are served.
PDF_BASE_URL = "https://portal.invalid/"

# How many times this process laid out an application's content with
# WeasyPrint (the slow part): the stored PDFs are there to keep it low.
RENDERS = Counter()
# What WeasyPrint asked the fetcher for in this process: "served" (a static
# file) or "refused" (anything else: the network, file://, data the page did
# not come with). The security report prints it.
FETCHES = Counter()


class StaticFilesURLFetcher(URLFetcher):
    """Serve the project's static files to WeasyPrint, and refuse anything else."""

    def fetch(self, url, headers=None):
        try:
            response = self._fetch_static(url)
        except ValueError:
            FETCHES["refused"] += 1
            raise
        FETCHES["served"] += 1
        return response

    def _fetch_static(self, url):
        parts = urlsplit(url)
        static_url = settings.STATIC_URL
        if (
            f"{parts.scheme}://{parts.netloc}/" != PDF_BASE_URL
            or not parts.path.startswith(static_url)
        ):
            raise ValueError(f"Only static files can be fetched, not {url}")
        relative = unquote(parts.path[len(static_url) :])
        if ".." in Path(relative).parts:
            raise ValueError(f"Refused path {url}")
        found = finders.find(relative)
        if not found and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        if not found:
            raise ValueError(f"No static file at {url}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), {"Content-Type": content_type}
        )


def render_application_pdf(
    application, *, submission=None, content=None, fingerprint=""
):
    """Return the PDF (bytes) of ``application`` (``application_pdf_layout``)."""
    return application_pdf_layout(
        application, submission=submission, content=content, fingerprint=fingerprint
    ).write_pdf()


def application_pdf_layout(
    application, *, submission=None, content=None, fingerprint=""
):
    """Return the laid-out pages (a WeasyPrint ``Document``) of ``application``.

    With ``submission`` it shows that frozen content, the time of submission and
    the fingerprint (the receipt); without, the ``content`` and ``fingerprint``
    the caller passes (``services.submission.application_content``): this
    module renders and imports no service. Either way the fields are read
    through the registry (``applications.fields``), so a person reads labels,
    never the stored codes. Assets come only from the project's static files.
    """
    call = application.call
    if submission is not None:
        content = submission.content
        fingerprint = submission.sha256
        submitted_at = timezone.localtime(
            submission.submitted_at, ZoneInfo("Europe/Paris")
        )
    else:
        content = content or {}
        submitted_at = None
    questions = {question.pk: question for question in call.extra_questions.all()}
    context = {
        "application": application,
        "call": call,
        "submission": submission,
        "submitted_at": submitted_at,
        "fingerprint": fingerprint,
        "title": registry.content_value(content, registry.field("title")),
        # Every field, read through the registry: labels, never stored codes.
        "sections": registry.content_sections(content, questions=questions),
        "generated_at": timezone.localtime(timezone.now(), ZoneInfo("Europe/Paris")),
    }
    html = render_to_string("pdf/application.html", context)
    RENDERS["application"] += 1
    return HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
    ).render()
