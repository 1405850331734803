from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import Language, OrganiserOrganisation


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: the email address is the login."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.FRENCH,
    )
    # is_staff only opens the technical Django admin; programme roles are rows.
    is_staff = models.BooleanField(_("technical staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set at logout: the autosave tokens issued before it stop working
    # (applications.views.common.user_from_draft_token).
    draft_tokens_valid_after = models.DateTimeField(
        _("draft tokens valid after"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    @property
    def display_name(self):
        return self.full_name or self.email.split("@")[0]


class OrganiserRole(models.Model):
    """The organiser role over the whole programme (Mairie du 17e, Paris&Co)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organiser_role",
        verbose_name=_("user"),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=20,
        choices=OrganiserOrganisation.choices,
        default=OrganiserOrganisation.MAIRIE_17,
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("organiser role")
        verbose_name_plural = _("organiser roles")

    def __str__(self):
        return f"{self.user} ({self.get_organisation_display()})"


class PartnerRole(models.Model):
    """A partner's read-only view of the programme: the dashboard and its
    annual report, nothing else of the back office (Ville de Paris, CCI,
    Cielis...). Granted and withdrawn by an organiser."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_role",
        verbose_name=_("user"),
    )
    # Free text: the partners' list changes over the programme.
    organisation = models.CharField(_("organisation"), max_length=200)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("partner role")
        verbose_name_plural = _("partner roles")
        ordering = ["organisation", "user__email"]

    def __str__(self):
        return f"{self.user} ({self.organisation})"


class Session(AbstractBaseSession):
    """A signed-in (or anonymous) browser's session: Django's session row,
    plus the user it is signed in as, so that one query reads both.

    Kept in step with the session's data on every save; deleted with the
    user, and when an account is erased."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
