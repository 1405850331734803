from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("Declared by the juror")
    ORGANISER = "organiser", _("Recorded by an organiser")
    SAME_ORGANISATION = "same_organisation", _("Same organisation")
    SAME_EMAIL_DOMAIN = "same_email_domain", _("Same email domain")
    TEAM_MEMBER = "team_member", _("Member of the team")
    NAMED_PARTNER = "named_partner", _("Partner named in the application")


# Sources found by the portal itself: an organiser confirms or dismisses them.
DETECTED_SOURCES = {
    ConflictSource.SAME_ORGANISATION,
    ConflictSource.SAME_EMAIL_DOMAIN,
    ConflictSource.TEAM_MEMBER,
    ConflictSource.NAMED_PARTNER,
}


class ConflictStatus(models.TextChoices):
    PENDING = "pending", _("To be checked")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


# A conflict keeps the juror away unless an organiser dismissed it.
BLOCKING_CONFLICT_STATUSES = {ConflictStatus.PENDING, ConflictStatus.CONFIRMED}

C = ConflictStatus
CONFLICT_TRANSITIONS = {
    C.PENDING: {C.CONFIRMED, C.DISMISSED},
    C.CONFIRMED: {C.DISMISSED},
    C.DISMISSED: {C.CONFIRMED},
}
del C


class AssignmentOrigin(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic")
    MANUAL = "manual", _("By hand")


class RunState(models.TextChoices):
    """The state of a long job run by the worker (assignment, dossier)."""

    QUEUED = "queued", pgettext_lazy("job", "Waiting")
    RUNNING = "running", pgettext_lazy("job", "In progress")
    DONE = "done", pgettext_lazy("job", "Done")
    FAILED = "failed", pgettext_lazy("job", "Failed")
