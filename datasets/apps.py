from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "datasets"
    verbose_name = _("Datasets and sensors")

    def ready(self):
        from .api import catalogue

        catalogue.connect_receivers()
