"""The audit events of the day and after, in words: people read sentences,
never event codes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VERB_LABELS = {
    "workshop.checked_in": gettext_lazy("Participant checked in"),
    "workshop.check_in_undone": gettext_lazy("Check-in undone"),
    "workshop.attendance_exported": gettext_lazy("Attendance exported (CSV)"),
    "workshop.minutes_saved": gettext_lazy("Minutes saved"),
    "workshop.minutes_published": gettext_lazy("Minutes published"),
    "workshop.material_added": gettext_lazy("Material added"),
    "workshop.material_removed": gettext_lazy("Material removed"),
    "workshop.action_saved": gettext_lazy("Follow-up action saved"),
    "workshop.action_status_changed": gettext_lazy(
        "Status of a follow-up action changed"
    ),
    "workshop.feedback_invited": gettext_lazy("Feedback survey sent"),
    "workshop.feedback_given": gettext_lazy("Feedback given"),
    "workshop.certificates_requested": gettext_lazy("Certificates requested"),
    "workshop.certificates_generated": gettext_lazy("Certificates generated"),
    "workshop.certificates_failed": gettext_lazy("Certificate generation failed"),
}


def verb_label(verb):
    """The event in words; an unknown verb is spelled out, never left dotted."""
    if verb in VERB_LABELS:
        return str(VERB_LABELS[verb])
    words = verb.split(".", 1)[-1].replace("_", " ")
    return _("Workshop event: %(words)s") % {"words": words}
