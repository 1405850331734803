"""Choices of the workshops and the DemoDay, with their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkshopKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    DEMODAY_SESSION = "demoday_session", _("DemoDay session")


class WorkshopFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Audience(models.TextChoices):
    PROJECTS = "projects", _("Project teams only")
    RESIDENTS = "residents", _("Residents")
    BOTH = "both", _("Project teams and residents")


class WorkshopState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


WORKSHOP_TRANSITIONS = {
    WorkshopState.DRAFT: {WorkshopState.PUBLISHED, WorkshopState.CANCELLED},
    WorkshopState.PUBLISHED: {WorkshopState.CANCELLED},
    WorkshopState.CANCELLED: set(),
}


class Seat(models.TextChoices):
    """Which reserved seats a registration takes."""

    PROJECT = "project", _("Project team seat")
    RESIDENT = "resident", _("Resident seat")


class RegistrationState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


REGISTRATION_TRANSITIONS = {
    RegistrationState.CONFIRMED: {RegistrationState.CANCELLED},
    RegistrationState.WAITLISTED: {
        RegistrationState.CONFIRMED,
        RegistrationState.CANCELLED,
    },
    # Registering again after cancelling reuses the row (one per person).
    RegistrationState.CANCELLED: {
        RegistrationState.CONFIRMED,
        RegistrationState.WAITLISTED,
    },
}


class InvitationAnswer(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Visibility(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants only")
    PUBLIC = "public", _("Everyone")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class SlotKind(models.TextChoices):
    PITCH = "pitch", _("Pitch")
    BREAK = "break", _("Break")
    OTHER = "other", _("Other")


# --- After the workshop (wafter) ----------------------------------------------


class CertificateRunState(models.TextChoices):
    """The state of the worker's run generating a workshop's certificates."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# Who may move a follow-up action to which status: anyone allowed to update it
# may move it anywhere but to where it already is.
ACTION_STATUS_TRANSITIONS = {
    ActionStatus.OPEN: {
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        ActionStatus.DROPPED,
    },
    ActionStatus.IN_PROGRESS: {
        ActionStatus.OPEN,
        ActionStatus.DONE,
        ActionStatus.DROPPED,
    },
    ActionStatus.DONE: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
    ActionStatus.DROPPED: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS},
}
