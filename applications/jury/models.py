"""The jury of a call: members and their declarations, conflicts of interest,
assignments, the versioned grid, score sheets, pending decisions, dossiers."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import translated
from portal.background import BackgroundJob, job_state_field

from .enums import (
    AssignmentOrigin,
    ConflictSource,
    ConflictStatus,
    RunState,
)


class JuryInvitation(models.Model):
    """An organiser's invitation to sit on the jury of a call, sent by email."""

    call = models.ForeignKey(
        "applications.Call",
        on_delete=models.CASCADE,
        related_name="jury_invitations",
        verbose_name=_("call"),
    )
    email = models.EmailField(_("email"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("jury invitation")
        verbose_name_plural = _("jury invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "email"],
                condition=models.Q(revoked_at__isnull=True),
                name="jury_invitation_once",
            )
        ]

    def __str__(self):
        return f"{self.email} – {self.call}"


class JuryMembership(models.Model):
    """A seat on the jury of one call.

    Before seeing any application the juror declares their organisation and
    their conflicts of interest (``declared_at`` is set then).
    """

    call = models.ForeignKey(
        "applications.Call", on_delete=models.CASCADE, related_name="jury"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jury_memberships",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # Free-text declaration of interests not tied to one application.
    conflict_statement = models.TextField(_("other interests declared"), blank=True)
    # Preferred themes (values of applications.enums.Theme), honoured when possible.
    themes = models.JSONField(_("preferred themes"), default=list, blank=True)
    declared_at = models.DateTimeField(_("declaration made at"), null=True, blank=True)
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

    @property
    def has_declared(self):
        return self.declared_at is not None


class Conflict(models.Model):
    """A conflict of interest between a juror and an application.

    Declared by the juror (confirmed at once) or detected by the portal (to be
    checked by an organiser). Unless dismissed, it keeps the juror away from
    the application: no page, score, comment, export or ranking row.
    """

    membership = models.ForeignKey(
        JuryMembership,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("jury member"),
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("application"),
    )
    source = models.CharField(
        _("source"), max_length=30, choices=ConflictSource.choices
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConflictStatus.choices,
        default=ConflictStatus.PENDING,
    )
    # What the juror wrote, or what the portal found ("same domain: upciti.com").
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    resolution_reason = models.CharField(_("reason"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    resolved_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("found at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["membership", "application", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "application", "source"],
                name="conflict_once_per_source",
            )
        ]
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self):
        return f"{self.membership} ✕ {self.application}"


class Assignment(models.Model):
    """A juror asked to score one application. One per juror and application."""

    membership = models.ForeignKey(
        JuryMembership,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("jury member"),
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    origin = models.CharField(
        _("made"),
        max_length=20,
        choices=AssignmentOrigin.choices,
        default=AssignmentOrigin.AUTOMATIC,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["membership", "application"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "application"], name="assignment_once"
            )
        ]

    def __str__(self):
        return f"{self.membership} → {self.application}"


class AssignmentRun(models.Model):
    """One run of the automatic assignment, solved by the worker."""

    call = models.ForeignKey(
        "applications.Call",
        on_delete=models.CASCADE,
        related_name="assignment_runs",
        verbose_name=_("call"),
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("jurors per application")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=RunState.choices, default=RunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Readable reasons why the constraints cannot all be met (list of strings,
    # already translated in the requester's language).
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # Figures of the plan: {"assignments": n, "min_load": a, "max_load": b, ...}
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.call} {self.created_at:%Y-%m-%d %H:%M}"


class Grid(models.Model):
    """A version of a call's evaluation grid. Locked by the first score."""

    call = models.ForeignKey(
        "applications.Call",
        on_delete=models.CASCADE,
        related_name="grids",
        verbose_name=_("call"),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(default=timezone.now)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation grid")
        verbose_name_plural = _("evaluation grids")
        ordering = ["call", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "version"], name="grid_version_once"
            )
        ]

    def __str__(self):
        return f"{self.call} v{self.version}"

    @property
    def is_locked(self):
        return self.locked_at is not None


class Criterion(models.Model):
    """One criterion of a grid: weight, scale and labelled levels."""

    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("grid")
    )
    key = models.SlugField(_("identifier"), max_length=60)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    # [{"value": 0, "label_fr": "...", "label_en": "..."}, ...]
    levels = models.JSONField(_("labelled levels"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["grid", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "key"], name="criterion_key_once"),
            models.CheckConstraint(
                condition=models.Q(scale_max__gte=1, scale_max__lte=20),
                name="criterion_scale_in_range",
            ),
        ]

    def __str__(self):
        return self.label_fr

    @property
    def label(self):
        return translated(self, "label")

    @property
    def description(self):
        return translated(self, "description")


class ScoreSheet(models.Model):
    """A juror's scores of one assigned application: a draft until submitted.

    One per assignment, hence one per juror and application. Editable until
    the review phase ends.
    """

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="sheet",
        verbose_name=_("assignment"),
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("grid")
    )
    overall_comment = models.TextField(_("overall comment"), blank=True)
    # Optimistic concurrency of the autosave, as on the application form.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(_("last saved at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["assignment"]

    def __str__(self):
        return str(self.assignment)

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Score(models.Model):
    """The score of one criterion on a sheet: a value, or "not applicable"
    (excluded from every average, never counted as zero), or not yet given."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=~models.Q(not_applicable=True, value__isnull=False),
                name="score_not_applicable_has_no_value",
            ),
        ]

    def __str__(self):
        return f"{self.sheet} {self.criterion.key}"


class Decision(models.Model):
    """The deliberation's decision on an application, pending until the
    organiser releases the call's decisions together."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="jury_decision",
        verbose_name=_("application"),
    )
    # One of applications.enums.DECISION_STATES.
    outcome = models.CharField(_("decision"), max_length=20)
    motivation = models.TextField(_("motivation (internal)"), blank=True)
    feedback = models.TextField(_("feedback to the team"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application"]

    def __str__(self):
        return f"{self.application} {self.outcome}"


class Dossier(BackgroundJob):
    """The jury dossier of a call (ZIP of PDFs and a CSV of scores), built by
    the worker; only organisers download it."""

    call = models.ForeignKey(
        "applications.Call",
        on_delete=models.CASCADE,
        related_name="dossiers",
        verbose_name=_("call"),
    )
    include_scores = models.BooleanField(_("with scores and comments"), default=False)
    state = job_state_field(RunState)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="jury/dossiers/", blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("jury dossier")
        verbose_name_plural = _("jury dossiers")

    def __str__(self):
        return f"{self.call} {self.created_at:%Y-%m-%d %H:%M}"
