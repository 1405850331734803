from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import EmailKind, EmailState


class OutgoingEmail(models.Model):
    """One email to one recipient, written in the transaction that decided it.

    ``idempotency_key`` is unique: queuing the same email twice keeps one row,
    and the send task sends a row at most once (see ``services``).
    """

    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, unique=True
    )
    kind = models.CharField(_("kind"), max_length=40, choices=EmailKind.choices)
    to = models.EmailField(_("recipient"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    about = models.CharField(_("about"), max_length=200, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=EmailState.choices,
        default=EmailState.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="outbox_state_created"),
            models.Index(fields=["to"], name="outbox_to"),
            models.Index(fields=["kind", "created_at"], name="outbox_kind_created"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.to} ({self.state})"


class OutgoingAttachment(models.Model):
    """A file sent with an ``OutgoingEmail`` (a receipt PDF, for instance)."""

    email = models.ForeignKey(
        OutgoingEmail,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("email"),
    )
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.filename
