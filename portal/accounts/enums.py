from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class OrganiserOrganisation(models.TextChoices):
    MAIRIE_17 = "mairie17", _("Mairie du 17e")
    PARIS_AND_CO = "parisandco", _("Paris&Co")
    OTHER = "other", _("Other partner")
