"""Workshops and the DemoDay.

A ``Workshop`` is anything people register for: an autumn co-construction
workshop, or one session of a DemoDay (``kind``). Registration, the waiting
list, reminders, calendars, check-in and certificates are the same for both.

Capacity holds whatever the concurrency because the registration service
locks the workshop row (``select_for_update``) before counting its confirmed
seats; rooms and facilitators cannot be double-booked because PostgreSQL
exclusion constraints refuse overlapping ranges.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    DateTimeRangeField,
    RangeOperators,
)
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications.enums import Theme
from portal.background import BackgroundJob, job_state_field

from .enums import (
    ActionStatus,
    Audience,
    CertificateRunState,
    InvitationAnswer,
    RegistrationState,
    Seat,
    SlotKind,
    Visibility,
    WorkshopFormat,
    WorkshopKind,
    WorkshopState,
)

# 7 days, 1 day and 2 hours before the start, in minutes.
DEFAULT_REMINDER_OFFSETS = [7 * 24 * 60, 24 * 60, 120]


def default_reminder_offsets():
    return list(DEFAULT_REMINDER_OFFSETS)


def new_token():
    return secrets.token_urlsafe(24)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Room(models.Model):
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=300)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MaxValueValidator(10_000)]
    )
    accessibility = models.CharField(
        _("access and accessibility"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class DemoDay(models.Model):
    """The DemoDay of a wave: one or more sessions (``Workshop`` rows of kind
    DemoDay session), a running order, an audience vote and results."""

    call = models.ForeignKey(
        "applications.Call",
        on_delete=models.PROTECT,
        related_name="demodays",
        verbose_name=_("wave"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (French, Markdown)"), blank=True)
    description_en = models.TextField(_("description (English, Markdown)"), blank=True)
    # The running order: pitch and questions length, breaks, grouping.
    pitch_minutes = models.PositiveSmallIntegerField(
        _("pitch length (minutes)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    questions_minutes = models.PositiveSmallIntegerField(
        _("questions (minutes)"),
        default=3,
        validators=[MaxValueValidator(60)],
    )
    group_by_theme = models.BooleanField(_("group the pitches by theme"), default=False)
    # The published seed of the draw: anyone can re-run it.
    draw_seed = models.CharField(_("seed of the draw"), max_length=64, blank=True)
    order_published_at = models.DateTimeField(
        _("running order published at"), null=True, blank=True
    )
    voting_opens_at = models.DateTimeField(
        _("audience vote opens"), null=True, blank=True
    )
    voting_closes_at = models.DateTimeField(
        _("audience vote closes"), null=True, blank=True
    )
    results_published_at = models.DateTimeField(
        _("results published at"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("DemoDay")
        verbose_name_plural = _("DemoDays")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        if get_language() == "en" and self.title_en:
            return self.title_en
        return self.title


class WorkshopQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=WorkshopState.PUBLISHED)

    def workshops(self):
        return self.filter(kind=WorkshopKind.WORKSHOP)

    def demoday_sessions(self):
        return self.filter(kind=WorkshopKind.DEMODAY_SESSION)

    def upcoming(self, *, now=None):
        return self.filter(ends_at__gt=now or timezone.now())


class Workshop(models.Model):
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=WorkshopKind.choices,
        default=WorkshopKind.WORKSHOP,
    )
    call = models.ForeignKey(
        "applications.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("wave"),
    )
    demoday = models.ForeignKey(
        DemoDay,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("DemoDay"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (French, Markdown)"), blank=True)
    description_en = models.TextField(_("description (English, Markdown)"), blank=True)
    theme = models.CharField(
        _("theme"), max_length=30, choices=Theme.choices, blank=True
    )
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=WorkshopFormat.choices,
        default=WorkshopFormat.IN_PERSON,
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("room"),
    )
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    # Seats kept for each audience; the rest of the capacity is open to both.
    project_seats = models.PositiveIntegerField(
        _("seats reserved for project teams"),
        default=0,
        validators=[MaxValueValidator(10_000)],
    )
    resident_seats = models.PositiveIntegerField(
        _("seats reserved for residents"),
        default=0,
        validators=[MaxValueValidator(10_000)],
    )
    # Seats taken (confirmed registrations) per kind of seat. Registration
    # takes a seat with one ``UPDATE ... WHERE <a seat is free> RETURNING``
    # (services/registration.py); every change of a registration's state
    # keeps them equal to the real count (``recount_seats`` repairs them).
    taken_project_seats = models.PositiveIntegerField(default=0, editable=False)
    taken_resident_seats = models.PositiveIntegerField(default=0, editable=False)
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="FacilitatorBooking",
        related_name="facilitated_workshops",
        blank=True,
        verbose_name=_("facilitators"),
    )
    reminder_offsets = ArrayField(
        models.PositiveIntegerField(validators=[MaxValueValidator(60 * 24 * 60)]),
        default=default_reminder_offsets,
        blank=True,
        verbose_name=_("reminders (minutes before the start)"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=WorkshopState.choices,
        default=WorkshopState.DRAFT,
    )
    # iCalendar: the UID is derived from ``uid``; SEQUENCE rises on every change.
    uid = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="workshop_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(
                    registration_closes_at__gt=models.F("registration_opens_at")
                ),
                name="workshop_registration_window",
            ),
            models.CheckConstraint(
                condition=Q(
                    project_seats__lte=models.F("capacity") - models.F("resident_seats")
                ),
                name="workshop_reserved_seats_fit",
            ),
            models.CheckConstraint(
                condition=Q(kind=WorkshopKind.WORKSHOP, demoday__isnull=True)
                | Q(kind=WorkshopKind.DEMODAY_SESSION, demoday__isnull=False),
                name="workshop_demoday_session_has_demoday",
            ),
            # A room hosts one workshop at a time.
            ExclusionConstraint(
                name="workshop_room_not_double_booked",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(room__isnull=False) & ~Q(state=WorkshopState.CANCELLED),
                violation_error_message=_(
                    "This room is already booked for another workshop at that time."
                ),
            ),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        if get_language() == "en" and self.title_en:
            return self.title_en
        return self.title

    @property
    def display_description(self):
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description


class FacilitatorBooking(models.Model):
    """A facilitator on a workshop. The workshop's times are copied here (the
    service keeps them in step) so that an exclusion constraint refuses a
    facilitator booked on two overlapping workshops."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="facilitator_bookings"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "facilitator"], name="facilitator_once_per_workshop"
            ),
            ExclusionConstraint(
                name="facilitator_not_double_booked",
                expressions=[
                    ("facilitator", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(active=True),
                violation_error_message=_(
                    "This facilitator already leads another workshop at that time."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.facilitator_id} @ {self.workshop_id}"


class ProjectInvitation(models.Model):
    """A Project team invited to a workshop; a member answers yes or no."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="invitations"
    )
    project = models.ForeignKey(
        "applications.Project",
        on_delete=models.CASCADE,
        related_name="workshop_invitations",
        verbose_name=_("project"),
    )
    answer = models.CharField(
        _("answer"),
        max_length=20,
        choices=InvitationAnswer.choices,
        default=InvitationAnswer.PENDING,
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("project invitation")
        verbose_name_plural = _("project invitations")
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "project"], name="project_invited_once"
            )
        ]

    def __str__(self):
        return f"{self.project_id} @ {self.workshop_id}"


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(state=RegistrationState.CONFIRMED)

    def waitlisted(self):
        return self.filter(state=RegistrationState.WAITLISTED)

    def checked_in(self):
        return self.filter(checked_in_at__isnull=False)


class Registration(models.Model):
    """One person's place at a workshop: confirmed, waiting, or cancelled.

    One row per person and workshop (the database refuses a second); the
    waiting list is ordered by ``waitlisted_at``.
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
    )
    # Set when the person comes for their Project's team.
    project = models.ForeignKey(
        "applications.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_registrations",
        verbose_name=_("project"),
    )
    seat = models.CharField(_("seat"), max_length=20, choices=Seat.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=RegistrationState.choices
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Sent on confirmation and on later changes (iCalendar SEQUENCE).
    ics_sequence_sent = models.IntegerField(default=-1)
    # The QR code on the participant's confirmation reads this token.
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Its confirmation or waiting-list email is still to be queued in the
    # outbox (services.registration.send_due_registration_emails).
    email_due = models.BooleanField(default=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="one_registration_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["workshop", "state", "waitlisted_at"]),
            models.Index(
                fields=["id"],
                condition=models.Q(email_due=True),
                name="registration_email_due",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.workshop_id} ({self.state})"


class CalendarFeed(models.Model):
    """A person's private calendar feed: a revocable token in the URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id} feed"


class Minutes(models.Model):
    """What was said and decided at a workshop (Markdown, sanitised on display)."""

    workshop = models.OneToOneField(
        Workshop, on_delete=models.CASCADE, related_name="minutes"
    )
    body = models.TextField(_("minutes (Markdown)"), max_length=50_000)
    visibility = models.CharField(
        _("published to"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PARTICIPANTS,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"minutes {self.workshop_id}"


def material_path(instance, filename):
    return f"workshops/{instance.workshop_id}/{secrets.token_hex(8)}.pdf"


class Material(models.Model):
    """A file shared after a workshop (checked like application attachments)."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    visibility = models.CharField(
        _("published to"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.PARTICIPANTS,
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title


class FollowUpAction(models.Model):
    """Something a Project (or the organisers) committed to after a workshop."""

    project = models.ForeignKey(
        "applications.Project",
        on_delete=models.CASCADE,
        related_name="follow_up_actions",
        verbose_name=_("project"),
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_actions",
        verbose_name=_("workshop"),
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    # Set only on actions written before the owner became a person of the
    # portal, whose name matched nobody (migration 0005): shown as it was.
    owner_name = models.CharField(_("owner"), max_length=200, blank=True)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActionStatus.choices,
        default=ActionStatus.OPEN,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title

    @property
    def owner_label(self):
        """Who carries the action, for the back office and the team (select
        ``owner``); the public pages use ``selectors.after.with_public_owners``."""
        if self.owner_id is not None:
            return self.owner.full_name or self.owner.email
        return self.owner_name


class FeedbackResponse(models.Model):
    """An attendee's answer to the short survey after a workshop."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("overall rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    useful = models.TextField(_("what was useful"), max_length=2000, blank=True)
    improve = models.TextField(_("what to improve"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return f"feedback {self.registration_id}"


def certificate_code():
    # Short enough to type, long enough not to guess: 10 characters of base32.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Certificate(models.Model):
    """A certificate of attendance, only for a checked-in registration."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=certificate_code
    )
    # Kept for verification after an erasure: what the certificate said.
    holder_name = models.CharField(_("name"), max_length=200)
    workshop_title = models.CharField(_("workshop"), max_length=200)
    attended_on = models.DateField(_("date"))
    file = models.FileField(upload_to="workshops/certificates/", blank=True)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.code


class Slot(models.Model):
    """A line of a DemoDay session's running order: a pitch or a break."""

    session = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="slots"
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=SlotKind.choices)
    project = models.ForeignKey(
        "applications.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demoday_slots",
        verbose_name=_("project"),
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("running-order slot")
        verbose_name_plural = _("running-order slots")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="slot_position_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind=SlotKind.PITCH) | Q(project__isnull=False),
                name="pitch_slot_has_project",
            ),
        ]

    def __str__(self):
        return f"{self.session_id}#{self.position}"


class Vote(models.Model):
    """An audience vote: one per checked-in attendee of a DemoDay."""

    demoday = models.ForeignKey(DemoDay, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Keeps the vote unique after the voter's account is erased.
    registration = models.OneToOneField(
        Registration, on_delete=models.SET_NULL, null=True, related_name="vote"
    )
    project = models.ForeignKey(
        "applications.Project", on_delete=models.PROTECT, related_name="audience_votes"
    )
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("audience vote")
        verbose_name_plural = _("audience votes")
        constraints = [
            models.UniqueConstraint(
                fields=["demoday", "voter"], name="one_vote_per_attendee"
            )
        ]

    def __str__(self):
        return f"vote {self.demoday_id}"


class DemoDayResult(models.Model):
    """A Project's outcome at a DemoDay: a prize, and whether it continues."""

    demoday = models.ForeignKey(
        DemoDay, on_delete=models.CASCADE, related_name="results"
    )
    project = models.ForeignKey(
        "applications.Project", on_delete=models.PROTECT, related_name="demoday_results"
    )
    prize = models.CharField(_("prize"), max_length=200, blank=True)
    prize_en = models.CharField(_("prize (English)"), max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    continues = models.BooleanField(_("continues the experiment"), default=False)
    audience_votes = models.PositiveIntegerField(_("audience votes"), default=0)

    class Meta:
        verbose_name = _("DemoDay result")
        verbose_name_plural = _("DemoDay results")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demoday", "project"], name="one_result_per_project"
            )
        ]

    def __str__(self):
        return f"{self.project_id} @ {self.demoday_id}"


# --- DemoDay: running order, jury scoring (wdemo) ------------------------------


class DemoDayPlan(models.Model):
    """How the DemoDay's running order is built, beside the DemoDay's own
    pitch and questions lengths: which Projects pitch, and the breaks."""

    demoday = models.OneToOneField(
        DemoDay, on_delete=models.CASCADE, related_name="plan"
    )
    projects = models.ManyToManyField(
        "applications.Project",
        related_name="+",
        blank=True,
        verbose_name=_("projects that pitch"),
    )
    # A break after every N pitches of a session (0: no break).
    break_every = models.PositiveSmallIntegerField(
        _("a break after every N pitches"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    break_minutes = models.PositiveSmallIntegerField(
        _("break length (minutes)"), default=10, validators=[MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = _("running-order settings")
        verbose_name_plural = _("running-order settings")

    def __str__(self):
        return f"plan {self.demoday_id}"


class DemoDayJuror(models.Model):
    """A person the organiser names to score the DemoDay's pitches."""

    demoday = models.ForeignKey(
        DemoDay, on_delete=models.CASCADE, related_name="jurors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="demoday_juries",
        verbose_name=_("juror"),
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("DemoDay juror")
        verbose_name_plural = _("DemoDay jurors")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demoday", "user"], name="demoday_juror_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.demoday_id}"


class DemoDayCriterion(models.Model):
    """One criterion of the DemoDay's pitch grid (scored 0 to ``scale_max``).

    The jury's ``Grid`` belongs to a call and its latest version is the call's
    current grid, so a DemoDay grid there would replace the applications' one;
    the criteria live here and the jury's arithmetic (``weighted_score``) is
    reused as is.
    """

    demoday = models.ForeignKey(
        DemoDay, on_delete=models.CASCADE, related_name="criteria"
    )
    key = models.SlugField(_("identifier"), max_length=60)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MaxValueValidator(100)]
    )
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("DemoDay criterion")
        verbose_name_plural = _("DemoDay criteria")
        ordering = ["demoday", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demoday", "key"], name="demoday_criterion_key_once"
            )
        ]

    def __str__(self):
        return self.label_fr

    @property
    def label(self):
        if get_language() == "en" and self.label_en:
            return self.label_en
        return self.label_fr


class PitchScore(models.Model):
    """A DemoDay juror's score of one criterion for one pitch: a value, or
    "not applicable" (left out of the total, never counted as zero)."""

    demoday = models.ForeignKey(
        DemoDay, on_delete=models.CASCADE, related_name="pitch_scores"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "applications.Project", on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        DemoDayCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pitch score")
        verbose_name_plural = _("pitch scores")
        ordering = ["demoday", "project", "juror", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "project", "criterion"],
                name="pitch_score_once_per_criterion",
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=True, value__isnull=True)
                | Q(not_applicable=False, value__isnull=False),
                name="pitch_score_value_or_not_applicable",
            ),
        ]

    def __str__(self):
        return f"{self.juror_id} {self.project_id} {self.criterion_id}"


# --- After the workshop (wafter): certificate runs, feedback invitations -------


class CertificateRun(BackgroundJob):
    """One run of the worker generating the certificates of a workshop, with
    its progress (the organiser's page polls it)."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="certificate_runs"
    )
    state = job_state_field(CertificateRunState)
    total = models.PositiveIntegerField(_("certificates to generate"), default=0)
    done = models.PositiveIntegerField(_("certificates generated"), default=0)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("certificate generation")
        verbose_name_plural = _("certificate generations")

    def __str__(self):
        return f"certificates {self.workshop_id} #{self.pk}"

    @property
    def progress(self):
        if self.state == CertificateRunState.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0


class FeedbackInvitation(models.Model):
    """The feedback survey sent to one attendee: one row, one email, ever."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback_invitation"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback invitation")
        verbose_name_plural = _("feedback invitations")

    def __str__(self):
        return f"feedback invitation {self.registration_id}"
