"""The annual report: the dashboard's figures as a PDF built by the worker,
with its charts drawn server-side as SVG (``svg.py``)."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from applications.pdf import PDF_BASE_URL, StaticFilesURLFetcher
from portal.audit.services import record_event
from portal.background import fail_job, finish_job, mark_job

from .enums import ReportState
from .models import AnnualReport
from .selectors import programme_figures, scope_for
from .svg import render_chart

logger = logging.getLogger(__name__)


def request_annual_report(*, year, call=None, actor):
    """Create a queued ``AnnualReport`` of ``year`` (and ``call``, or every
    wave) and have the worker build it once the transaction commits.

    Writes the audit event ``dashboard.report_requested``.
    """
    from .tasks import build_annual_report_task

    with transaction.atomic():
        report = AnnualReport.objects.create(year=year, call=call, requested_by=actor)
        record_event(
            "dashboard.report_requested",
            actor=actor,
            target=report,
            after={"year": year, "call": call.slug if call else None},
        )
        transaction.on_commit(
            lambda: build_annual_report_task.delay(report_id=report.pk)
        )
    return report


def record_report_download(report, *, actor):
    """Write the audit event ``dashboard.report_downloaded``: who took it."""
    with transaction.atomic():
        record_event("dashboard.report_downloaded", actor=actor, target=report)


def report_html(report, *, now=None):
    """Return the HTML of ``report``'s PDF: each figure as an SVG chart with
    the table of its numbers."""
    now = now or timezone.now()
    scope = scope_for(call=report.call, year=report.year, today=now.date())
    figures = programme_figures(scope, now=now)
    return render_to_string(
        "pdf/annual_report.html",
        {
            "report": report,
            "scope": scope,
            "generated_at": now,
            "items": [
                {"figure": figure, "svg": render_chart(figure)} for figure in figures
            ],
        },
    )


def build_annual_report(report):
    """Build the PDF of ``report`` under MEDIA_ROOT and mark it ready.

    Moves ``progress`` as it goes. Writes ``dashboard.report_built``; on any
    error marks it failed with a readable message and writes
    ``dashboard.report_failed``. A report already ready or failed is left as
    it is (the task is safe to run twice).
    """
    if report.is_finished:
        return report
    mark_job(report, state=ReportState.RUNNING, progress=5)
    try:
        html = report_html(report)
        mark_job(report, progress=40)
        pdf = HTML(
            string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
        ).write_pdf()
        mark_job(report, progress=90)
        suffix = f"-{report.call.slug}" if report.call else ""
        name = f"rapport-{report.year}{suffix}-{report.pk}.pdf"
        finish_job(
            report,
            file=(name, ContentFile(pdf)),
            progress=100,
            event="dashboard.report_built",
            after={"bytes": len(pdf)},
        )
    except Exception as exc:  # noqa: BLE001 - a failure is recorded, never lost
        logger.exception("Annual report %s failed", report.pk)
        fail_job(
            report,
            exc,
            message=_("The report could not be built: %(reason)s"),
            event="dashboard.report_failed",
        )
    return report
