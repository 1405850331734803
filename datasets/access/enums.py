from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessState(models.TextChoices):
    """The state of a grant or a key at a given instant (computed, not stored)."""

    ACTIVE = "active", _("Active")
    ROTATED = "rotated", _("Rotated")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class GrantEmail(models.TextChoices):
    """The emails a grant sends to its project's team."""

    CREATED = "created", _("Access granted")
    REVOKED = "revoked", _("Access revoked")
    CHANGED = "changed", _("Access changed")
    SUSPENDED = "suspended", _("Access suspended")
    RESUMED = "resumed", _("Access resumed")
    EXPIRING = "expiring", _("Access ending soon")


# Reminders before a grant or a key ends, in days (one email each).
EXPIRY_REMINDER_DAYS = (30, 7)
