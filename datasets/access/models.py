"""Data access: the grants of finer data to Projects, their API keys and the
keys' usage per day.

The tables were created by the ``datasets`` app (migrations 0004 and 0005)
and moved here without copying a row (see ``migrations/0001_initial.py``).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class DataGrantQuerySet(models.QuerySet):
    def active(self, *, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class DataGrant(models.Model):
    """Finer data for a Project: the datasets an organiser granted to it.

    The holder, a member of the Project's team, issues API keys on the grant;
    a key reads 15-minute values of the grant's datasets only, until the
    earlier of its own and the grant's expiry, and never after either is
    revoked.

    ``project`` is empty only for grants made before Projects existed whose
    free-text project name matched no Project: they keep that name in
    ``legacy_project``.
    """

    project = models.ForeignKey(
        "applications.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_grants",
        verbose_name=_("project"),
    )
    legacy_project = models.CharField(
        _("project name (before Projects)"), max_length=200, blank=True
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_grants",
        verbose_name=_("holder"),
    )
    datasets = models.ManyToManyField(
        "datasets.Dataset", related_name="grants", verbose_name=_("datasets")
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A suspended grant's keys are refused until the organiser lifts it.
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspend_reason = models.CharField(
        _("reason for suspension"), max_length=500, blank=True
    )
    # What the Project does with the data, in its own words (public register).
    purpose = models.TextField(_("purpose"), max_length=2000, blank=True)
    # The grant's own limits, shared by all its keys (counted per key).
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=600,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
    )
    requests_per_day = models.PositiveIntegerField(
        _("requests per day"),
        default=100_000,
        validators=[MinValueValidator(1), MaxValueValidator(100_000_000)],
    )

    objects = DataGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("data access grant")
        verbose_name_plural = _("data access grants")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False)
                | ~models.Q(legacy_project=""),
                name="data_grant_names_its_project",
            )
        ]

    def __str__(self):
        return self.project_name

    @property
    def project_name(self):
        """The Project's public name, or the name typed before Projects existed."""
        return self.project.name if self.project_id else self.legacy_project

    def is_active(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def ends_on(self):
        """The last Paris day of access: it stops at the midnight after it.
        Every page and email shows this date, never the midnight itself."""
        return timezone.localtime(
            self.expires_at - datetime.timedelta(microseconds=1), PARIS
        ).date()


class ApiKey(models.Model):
    """A credential of a grant. Only its SHA-256 digest is stored: the secret
    is shown once, when the key is issued."""

    grant = models.ForeignKey(
        DataGrant,
        on_delete=models.CASCADE,
        related_name="keys",
        verbose_name=_("grant"),
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Empty: every dataset of the grant; otherwise a subset of the grant's.
    datasets = models.ManyToManyField(
        "datasets.Dataset",
        blank=True,
        related_name="+",
        verbose_name=_("datasets"),
    )
    # Empty: any client address; otherwise the CIDR ranges it may come from.
    allowed_networks = ArrayField(
        models.CharField(max_length=43),
        default=list,
        blank=True,
        verbose_name=_("allowed client IP ranges"),
    )
    # Written from the request path at most once a minute.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # A reported leak: when, and by whom (null when reported anonymously).
    reported_at = models.DateTimeField(_("reported as leaked"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def is_active(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def ends_on(self):
        """The last Paris day of access: it stops at the midnight after it.
        Every page and email shows this date, never the midnight itself."""
        return timezone.localtime(
            self.expires_at - datetime.timedelta(microseconds=1), PARIS
        ).date()


class ApiKeyUsage(models.Model):
    """Requests made with a key on one Paris day (the meter of the API).

    Counted in Redis on the request's path and copied here by a periodic task
    (``access.flush_api_usage``): each row holds the day's running total.
    """

    key = models.ForeignKey(
        ApiKey, on_delete=models.CASCADE, related_name="usage", verbose_name=_("key")
    )
    day = models.DateField(_("day"))
    requests = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("API key usage")
        verbose_name_plural = _("API key usage")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["key", "day"], name="api_key_usage_day")
        ]

    def __str__(self):
        return f"{self.key_id} {self.day}: {self.requests}"


class CharterSignature(models.Model):
    """A Project's signature of one version of the data charter: who, when.

    The charter is ``applications.DataCharter``; the version in force is the
    latest published. A new version asks for a new signature before any new
    key."""

    charter = models.ForeignKey(
        "applications.DataCharter",
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("charter"),
    )
    project = models.ForeignKey(
        "applications.Project",
        on_delete=models.CASCADE,
        related_name="charter_signatures",
        verbose_name=_("project"),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(_("signatory's name"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("charter signature")
        verbose_name_plural = _("charter signatures")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "project"], name="charter_signed_once_per_project"
            )
        ]

    def __str__(self):
        return f"{self.project_id} {self.charter_id}"
