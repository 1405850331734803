from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.background import BackgroundJob, job_state_field

from .enums import ReportState


class AnnualReport(BackgroundJob):
    """The PDF of the dashboard's figures for a year (and one wave, or all),
    built by the worker; organisers request it, partners download it too."""

    year = models.PositiveSmallIntegerField(_("year"))
    call = models.ForeignKey(
        "applications.Call",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wave"),
    )
    state = job_state_field(ReportState)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="dashboard/reports/", blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self):
        return f"{self.year} {self.call or ''}".strip()
