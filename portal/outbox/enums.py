from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EmailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# The allowed changes of state: a failed email may be queued again by an
# organiser; a sent email never leaves that state.
EMAIL_TRANSITIONS = {
    EmailState.QUEUED: {EmailState.SENT, EmailState.FAILED},
    EmailState.FAILED: {EmailState.QUEUED},
    EmailState.SENT: set(),
}


class EmailKind(models.TextChoices):
    ACCOUNT = "account", pgettext_lazy("email kind", "Account (verification, password)")
    APPLICATION_RECEIPT = (
        "application_receipt",
        pgettext_lazy("email kind", "Application receipt"),
    )
    TEAM_INVITATION = "team_invitation", pgettext_lazy("email kind", "Team invitation")
    APPLICATION_STATE = (
        "application_state",
        pgettext_lazy("email kind", "Application admissibility or decision"),
    )
    TEAM_MESSAGE = "team_message", pgettext_lazy("email kind", "Message to a team")
    DATA_GRANT = "data_grant", pgettext_lazy("email kind", "Data access grant")
    API_KEY = "api_key", pgettext_lazy("email kind", "API key")
    JURY_INVITATION = "jury_invitation", pgettext_lazy("email kind", "Jury invitation")
    JURY_REMINDER = "jury_reminder", pgettext_lazy("email kind", "Reminder to a juror")
    WORKSHOP = "workshop", pgettext_lazy("email kind", "Workshop")
    FEEDBACK = "feedback", pgettext_lazy("email kind", "Feedback")
