"""Calls for expressions of interest (waves), applications, their teams,
requested datasets, attachments, submissions and the emails sent to teams."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import (
    ApplicantType,
    ApplicationState,
    CallPhase,
    EmailStatus,
    Granularity,
    Maturity,
    ProjectState,
    QuestionKind,
    TeamRole,
)


def translated(obj, field):
    """The value of ``field`` in the active language, French when it is blank."""
    language = (get_language() or "fr")[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_fr")


class DataCharter(models.Model):
    """A version of the data charter that applicants accept."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text_fr = models.TextField(_("text (French, Markdown)"))
    text_en = models.TextField(_("text (English, Markdown)"), blank=True)
    published_on = models.DateField(_("published on"))

    class Meta:
        verbose_name = _("data charter")
        verbose_name_plural = _("data charters")
        ordering = ["-published_on"]

    def __str__(self):
        return self.version

    @property
    def text(self):
        return translated(self, "text")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment):
        return self.published().filter(opens_at__lte=moment, closes_at__gt=moment)


class Call(models.Model):
    """One wave of the call for expressions of interest (AMI)."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.CharField(_("summary (French)"), max_length=500)
    summary_en = models.CharField(_("summary (English)"), max_length=500, blank=True)
    text_fr = models.TextField(_("text (French, Markdown)"))
    text_en = models.TextField(_("text (English, Markdown)"), blank=True)
    faq_fr = models.TextField(_("FAQ (French, Markdown)"), blank=True)
    faq_en = models.TextField(_("FAQ (English, Markdown)"), blank=True)
    eligible_types = models.JSONField(
        _("eligible applicant types"),
        default=list,
        help_text=_("Values among the applicant types."),
    )
    themes = models.JSONField(_("themes"), default=list)
    datasets = models.ManyToManyField(
        "datasets.Dataset", related_name="calls", verbose_name=_("datasets offered")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    review_starts_on = models.DateField(_("review starts on"), null=True, blank=True)
    review_ends_on = models.DateField(_("review ends on"), null=True, blank=True)
    results_on = models.DateField(_("results announced on"), null=True, blank=True)
    charter = models.ForeignKey(
        DataCharter,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("data charter"),
    )
    # [{"key": "usefulness", "label_fr": "...", "label_en": "...", "weight": 20}, ...]
    grid = models.JSONField(_("evaluation grid"), default=list, blank=True)
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("largest attachment (MB)"), default=10
    )
    max_total_attachments_mb = models.PositiveSmallIntegerField(
        _("attachments per application (MB)"), default=30
    )
    # The privacy notice promises it (portal/accounts/registry.py): the
    # applications not retained are anonymised this long after the decision.
    retention_days = models.PositiveSmallIntegerField(
        _("keep applications not retained (days)"),
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_(
            "Counted from the decision (or the withdrawal): then the team, the "
            "attachments and the receipts of applications not retained are "
            "deleted. Between 30 and 3650 days."
        ),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The jury's side of the call: its phase, how many jurors read each
    # application, and whether they read it blind (no names, no organisation).
    phase = models.CharField(
        _("phase"),
        max_length=20,
        choices=CallPhase.choices,
        default=CallPhase.SUBMISSION,
    )
    phase_changed_at = models.DateTimeField(_("phase changed at"), default=timezone.now)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("jurors per application"), default=3
    )
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_(
            "Jurors see no name, organisation, team, email or SIRET of the applicants."
        ),
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="call_opens_before_closing",
            )
        ]

    def __str__(self):
        return self.title_fr

    @property
    def title(self):
        return translated(self, "title")

    @property
    def summary(self):
        return translated(self, "summary")

    @property
    def text(self):
        return translated(self, "text")

    @property
    def faq(self):
        return translated(self, "faq")

    def is_open_at(self, moment):
        return self.is_published and self.opens_at <= moment < self.closes_at


class ExtraQuestion(models.Model):
    """A question a call adds to its application form."""

    call = models.ForeignKey(
        Call,
        on_delete=models.CASCADE,
        related_name="extra_questions",
        verbose_name=_("call"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    label_fr = models.CharField(_("question (French)"), max_length=300)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_fr = models.CharField(_("help (French)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    # [{"value": "a", "label_fr": "...", "label_en": "..."}] for choice questions.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["call", "position", "id"]

    def __str__(self):
        return self.label_fr

    @property
    def label(self):
        return translated(self, "label")

    @property
    def help(self):
        return translated(self, "help")


class ApplicationQuerySet(models.QuerySet):
    def for_call(self, call):
        return self.filter(call=call)

    def in_state(self, *states):
        return self.filter(state__in=states)

    def submitted(self):
        return self.exclude(
            state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
        )


class Application(models.Model):
    """A team's application to a call. Text fields save as drafts while typed."""

    call = models.ForeignKey(
        Call,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("call"),
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    # Optimistic concurrency: every saved edit bumps it; a stale edit is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    # {"field name": version that last changed it}: lets a save from an older
    # version merge the fields nobody else touched and refuse the others.
    field_versions = models.JSONField(
        _("version of each field"), default=dict, blank=True, editable=False
    )

    # Organisation
    organisation_name = models.CharField(
        _("organisation name"), max_length=200, blank=True
    )
    applicant_type = models.CharField(
        _("applicant type"), max_length=30, choices=ApplicantType.choices, blank=True
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    website = models.URLField(_("website"), blank=True)

    # Project
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("short summary"), max_length=500, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    problem = models.TextField(_("the residents' problem"), blank=True)
    proposed_service = models.TextField(_("the proposed service"), blank=True)
    target_users = models.TextField(_("target users"), blank=True)
    privacy_safeguards = models.TextField(
        _("privacy and re-identification safeguards"), blank=True
    )
    ai_use = models.TextField(_("use of AI and how it is explained"), blank=True)
    co_construction_plan = models.TextField(_("co-construction plan"), blank=True)
    expected_impact = models.TextField(_("expected impact"), blank=True)
    impact_indicators = models.JSONField(
        _("impact indicators"), default=list, blank=True
    )
    maturity = models.CharField(
        _("maturity"), max_length=20, choices=Maturity.choices, blank=True
    )
    milestones = models.TextField(_("milestones to the DemoDay"), blank=True)
    sustainability = models.TextField(_("sustainability"), blank=True)
    extra_answers = models.JSONField(
        _("answers to the call's questions"), default=dict, blank=True
    )

    # Declarations
    accepts_charter = models.BooleanField(_("I accept the data charter"), default=False)
    accepts_privacy_notice = models.BooleanField(
        _("I have read the privacy notice"), default=False
    )
    certifies_accuracy = models.BooleanField(
        _("I certify the information is accurate"), default=False
    )
    charter_version = models.CharField(
        _("charter version accepted"), max_length=20, blank=True
    )

    # Admissibility
    inadmissibility_reason = models.TextField(
        _("reason for inadmissibility"), blank=True
    )
    # Decision feedback written to the team.
    decision_feedback = models.TextField(_("feedback to the team"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last saved by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self):
        return f"{self.reference} {self.title}".strip()


class TeamMember(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="team",
        verbose_name=_("application"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=TeamRole.choices)
    job_title = models.CharField(_("role in the project"), max_length=120, blank=True)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["application", "-role", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "user"], name="team_member_once"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(role=TeamRole.LEAD),
                name="team_one_lead",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class TeamInvitation(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        ordering = ["-created_at"]


class RequestedDataset(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="requested_datasets"
    )
    dataset = models.ForeignKey(
        "datasets.Dataset",
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("dataset"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    granularity = models.CharField(
        _("granularity"),
        max_length=10,
        choices=Granularity.choices,
        default=Granularity.HOUR,
    )

    class Meta:
        verbose_name = _("requested dataset")
        verbose_name_plural = _("requested datasets")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "dataset"], name="dataset_requested_once"
            )
        ]


def attachment_path(instance, filename):
    # Never reuse the uploaded name on disk; it is kept in original_name.
    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class Attachment(models.Model):
    """A PDF attached to an application (the pitch deck or another document)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    is_pitch_deck = models.BooleanField(_("pitch deck"), default=False)
    question = models.ForeignKey(
        ExtraQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at"]

    def __str__(self):
        return self.original_name


def submission_pdf_path(instance, filename):
    # Under MEDIA_ROOT, never served: the organisers' dossier and the receipt.
    return f"submissions/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class Submission(models.Model):
    """The content of an application as submitted, frozen, with its fingerprint.

    The jury sees the last submission made before the call's deadline. ``pdf``
    is that content rendered once (``services.pdfs.submission_pdf``), in the
    programme's language: the receipt attaches it, the jury dossier reuses it.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="submissions"
    )
    number = models.PositiveIntegerField(_("number"))
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("fingerprint (SHA-256)"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # When the receipt went to the outbox (its deliveries say when it was sent).
    receipt_queued_at = models.DateTimeField(
        _("receipt queued at"), null=True, blank=True
    )
    pdf = models.FileField(
        _("PDF of the content"),
        upload_to=submission_pdf_path,
        max_length=200,
        blank=True,
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="submission_number_once"
            )
        ]


class EmailTemplate(models.Model):
    """An editable email organisers send to a selection of teams."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_fr = models.TextField(_("body (French)"))
    body_en = models.TextField(_("body (English)"))

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SentEmail(models.Model):
    """The application's history of the emails sent to its team.

    One row per message (its text in the language of the team's lead); the
    outbox sends one email per recipient, linked as ``deliveries``, and the
    row's state is theirs (``delivery_status``). ``status``, ``sent_at`` and
    ``error`` are the state recorded for messages from before the outbox.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="emails",
        null=True,
        blank=True,
    )
    template = models.ForeignKey(
        EmailTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=40)
    # Unique when set: the same message (a submission's receipt, one team of a
    # sending) is never recorded, nor queued, twice.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.QUEUED,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    deliveries = models.ManyToManyField(
        "outbox.OutgoingEmail",
        related_name="+",
        blank=True,
        verbose_name=_("deliveries"),
    )

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    @property
    def delivery_status(self):
        """``failed`` if a delivery failed, ``sent`` once all are, else ``queued``.

        Reads ``deliveries.all()`` (prefetch it for a list). A message from
        before the outbox has no deliveries: its recorded ``status``.
        """
        states = {delivery.state for delivery in self.deliveries.all()}
        if not states:
            return EmailStatus(self.status)
        if EmailStatus.FAILED in states:
            return EmailStatus.FAILED
        if states == {EmailStatus.SENT}:
            return EmailStatus.SENT
        return EmailStatus.QUEUED

    @property
    def delivery_errors(self):
        """The last error of each delivery not sent yet, or the recorded one."""
        deliveries = list(self.deliveries.all())
        if not deliveries:
            return self.error
        return "; ".join(
            f"{delivery.to}: {delivery.last_error}"
            for delivery in deliveries
            if delivery.last_error and delivery.state != EmailStatus.SENT
        )


class ProjectQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=ProjectState.ACTIVE)

    def for_call(self, call):
        return self.filter(application__call=call)


class Project(models.Model):
    """A retained application, followed through the programme.

    One per retained application. Its team is the application's team; data
    access grants, workshops, the DemoDay and the public project page hang
    off it.
    """

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="project",
        verbose_name=_("application"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name = models.CharField(_("public name"), max_length=200)
    summary = models.TextField(_("public summary"), max_length=500, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ProjectState.choices,
        default=ProjectState.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(_("retained on"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def call(self):
        return self.application.call
