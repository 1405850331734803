"""The printable timetable of a DemoDay (PDF), rendered once per version."""

from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from applications.pdf import PDF_BASE_URL, StaticFilesURLFetcher

from ..selectors.demoday import timetable_context

# The timetable is frozen once published; a session's change bumps the key.
PDF_CACHE_SECONDS = 7 * 24 * 3600


def _cache_key(demoday, language):
    stamp = demoday.sessions.aggregate(latest=Max("updated_at"))["latest"]
    published = demoday.order_published_at
    version = "-".join(
        str(int(moment.timestamp())) if moment else "none"
        for moment in (published, stamp)
    )
    return f"workshops:demoday-pdf:{demoday.pk}:{language}:{version}"


def programme_pdf_bytes(demoday, *, language):
    """Return the PDF (bytes) of the DemoDay's published timetable in
    ``language``, from the cache when this version was already rendered.
    Assets come only from the project's static files."""
    key = _cache_key(demoday, language)
    pdf = cache.get(key)
    if pdf is None:
        with translation.override(language):
            html = render_to_string(
                "pdf/demoday_programme.html",
                {**timetable_context(demoday), "LANGUAGE_CODE": language},
            )
        pdf = HTML(
            string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
        ).write_pdf()
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
