from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuryConfig(AppConfig):
    name = "applications.jury"
    label = "jury"
    verbose_name = _("Jury")
