"""The PDF of an application (receipt, back-office export), with WeasyPrint."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .enums import ApplicantType, Granularity, Maturity, Theme

# A base URL that resolves nothing on the network: only static files are served.
PDF_BASE_URL = "https://portal.invalid/"


class StaticFilesURLFetcher(URLFetcher):
    """Serve the project's static files to WeasyPrint, and refuse anything else."""

    def fetch(self, url, headers=None):
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


def _labels(choices, values):
    lookup = dict(choices)
    return [str(lookup.get(value, value)) for value in values or []]


def render_application_pdf(application, *, submission=None):
    """Return the PDF (bytes) of ``application``.

    With ``submission`` it shows that frozen content, the time of submission and
    the fingerprint (the receipt); without, the current content. Assets come
    only from the project's static files.
    """
    from .services.submission import application_content, content_fingerprint

    if submission is not None:
        content = submission.content
        fingerprint = submission.sha256
        submitted_at = timezone.localtime(
            submission.submitted_at, ZoneInfo("Europe/Paris")
        )
    else:
        content = application_content(application)
        fingerprint = content_fingerprint(content)
        submitted_at = None
    project = content.get("project", {})
    organisation = content.get("organisation", {})
    context = {
        "application": application,
        "call": application.call,
        "submission": submission,
        "submitted_at": submitted_at,
        "fingerprint": fingerprint,
        "content": content,
        "project": project,
        "organisation": organisation,
        "declarations": {"charter_version": "", **content.get("declarations", {})},
        "applicant_type": dict(ApplicantType.choices).get(
            organisation.get("type"), organisation.get("type", "")
        ),
        "themes": _labels(Theme.choices, project.get("themes")),
        "maturity": dict(Maturity.choices).get(project.get("maturity"), ""),
        "granularities": dict(Granularity.choices),
        "generated_at": timezone.localtime(timezone.now(), ZoneInfo("Europe/Paris")),
    }
    html = render_to_string("pdf/application.html", context)
    return HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
    ).write_pdf()
