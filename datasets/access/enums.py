from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessState(models.TextChoices):
    """The state of a grant or a key at a given instant (computed, not stored)."""

    ACTIVE = "active", _("Active")
    ROTATED = "rotated", _("Rotated")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class GrantEmail(models.TextChoices):
    """The emails a grant sends to its project's team."""

    CREATED = "created", _("Access granted")
    REVOKED = "revoked", _("Access revoked")
