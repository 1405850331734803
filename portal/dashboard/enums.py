from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    """Where the worker is with an annual report."""

    QUEUED = "queued", _("Waiting to be built")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
