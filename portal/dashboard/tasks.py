"""Celery task of the annual report: thin, takes an id, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from .models import AnnualReport
from .services import build_annual_report

__all__ = ["build_annual_report_task"]


@shared_task(name="dashboard.build_annual_report")
def build_annual_report_task(*, report_id):
    """Build the report ``report_id`` (in French, the programme's language).

    Returns its state; None when the row is gone.
    """
    report = AnnualReport.objects.select_related("call").filter(pk=report_id).first()
    if report is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        build_annual_report(report)
    return report.state
