from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The programme dashboard and its annual report: reads across every app,
    nothing depends on it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.dashboard"
    label = "dashboard"
    verbose_name = _("Programme dashboard")
