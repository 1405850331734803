"""The jury of a call: its members (conflicts, assignments and scores to come)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JuryMembership(models.Model):
    """A seat on the jury of one call."""

    call = models.ForeignKey(
        "applications.Call", on_delete=models.CASCADE, related_name="jury"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jury_memberships",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table the model had in ``applications``: its rows stay where they are.
        db_table = "applications_jurymembership"
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="jury_member_once")
        ]

    def __str__(self):
        return f"{self.user} – {self.call}"
