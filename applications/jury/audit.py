"""The jury's audit events in words, for the organisers' CSV export.

People read words, never stored codes or JSON: each event reads as its
sentence (``portal.audit.sentences``) and its before, after and details as
"Label: value" pairs, with the labels of stored choices (a phase, a state, a
conflict's source), criteria by their label, Paris time and "Yes"/"No".
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.audit.sentences import event_sentence

from ..enums import ApplicationState, CallPhase, Theme
from .enums import AssignmentOrigin, ConflictSource, ConflictStatus, RunState
from .models import Criterion

# The name of each key the jury's events store, in words.
KEY_LABELS = {
    "application": gettext_lazy("Application"),
    "applications": gettext_lazy("Applications"),
    "assigned": gettext_lazy("Sheets assigned"),
    "assignments": gettext_lazy("Assignments"),
    "call": gettext_lazy("Call"),
    "conflicts": gettext_lazy("Conflicts of interest"),
    "created": gettext_lazy("Assignments created"),
    "criteria": gettext_lazy("Criteria"),
    "date": gettext_lazy("Date"),
    "declared_at": gettext_lazy("Interests declared on"),
    "email": gettext_lazy("Email"),
    "error": gettext_lazy("Error"),
    "feedback": gettext_lazy("Feedback to the team"),
    "had_sheet": gettext_lazy("Score sheet started"),
    "include_scores": gettext_lazy("With the scores"),
    "juror": gettext_lazy("Juror"),
    "jurors": gettext_lazy("Jurors"),
    "k": gettext_lazy("Jurors per application"),
    "kept": gettext_lazy("Assignments kept"),
    "locked_at": gettext_lazy("Locked on"),
    "max_load": gettext_lazy("Most applications for a juror"),
    "min_load": gettext_lazy("Fewest applications for a juror"),
    "motivation": gettext_lazy("Motivation"),
    "organisation": gettext_lazy("Organisation"),
    "origin": gettext_lazy("Origin"),
    "outcome": gettext_lazy("Decision"),
    "pending": gettext_lazy("Sheets to submit"),
    "phase": gettext_lazy("Phase"),
    "preference_matches": gettext_lazy("Preferences met"),
    "problems": gettext_lazy("Problems"),
    "reason": gettext_lazy("Reason"),
    "removed": gettext_lazy("Assignments removed"),
    "scores": gettext_lazy("Scores"),
    "seconds": gettext_lazy("Seconds"),
    "sheets": gettext_lazy("Score sheets"),
    "source": gettext_lazy("Source"),
    "state": gettext_lazy("State"),
    "statement": gettext_lazy("Statement"),
    "status": gettext_lazy("Status"),
    "submitted": gettext_lazy("Sheets submitted"),
    "themes": gettext_lazy("Themes"),
    "version": gettext_lazy("Version"),
    "weighted_score": gettext_lazy("Weighted score (0-100)"),
    "withdrawn": gettext_lazy("Conflicts withdrawn"),
}

# The choices whose stored value a key holds; the first that knows it names it.
KEY_CHOICES = {
    "outcome": (ApplicationState,),
    "phase": (CallPhase,),
    "origin": (AssignmentOrigin,),
    "source": (ConflictSource,),
    "state": (ApplicationState, RunState),
    "status": (ConflictStatus,),
    "themes": (Theme,),
}

# Counts of decisions (the release) are keyed by the decision itself.
DECISION_COUNTS = {"retained", "waiting_list", "not_retained"}

DATE_TIME = "%Y-%m-%d %H:%M"


def _choice(value, choices):
    for enum in choices:
        try:
            return str(enum(value).label)
        except ValueError:
            continue
    return str(value)


def _moment(value):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value  # a date alone, already readable
    return timezone.localtime(moment).strftime(DATE_TIME)


def _number(value):
    try:
        return formats.number_format(Decimal(str(value)), use_l10n=True)
    except InvalidOperation:
        return str(value)


class Words:
    """Turn the stored values of one call's jury events into words."""

    def __init__(self, call):
        self.call = call
        # Every grid version of the call, the latest last: its labels win.
        self.criteria = {
            criterion.key: criterion.label
            for criterion in Criterion.objects.filter(grid__call=call).order_by(
                "grid__version", "position", "pk"
            )
        }

    def label(self, key):
        if key in DECISION_COUNTS:
            return str(ApplicationState(key).label)
        if key in KEY_LABELS:
            return str(KEY_LABELS[key])
        return key.replace("_", " ").capitalize()

    def value(self, key, value):
        if value is None or value in ("", [], {}):
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if key == "scores" and isinstance(value, dict):
            return self.scores(value)
        if key == "criteria" and isinstance(value, list):
            return ", ".join(self.criterion(item) for item in value)
        if isinstance(value, list):
            return ", ".join(self.value(key, item) for item in value)
        if isinstance(value, dict):
            return f"({self.pairs(value, separator=', ')})"
        if key in KEY_CHOICES:
            return _choice(value, KEY_CHOICES[key])
        if key == "call" and value == self.call.slug:
            return str(self.call.title)
        if isinstance(value, float) or key == "weighted_score":
            return _number(value)
        if isinstance(value, str) and key.endswith("_at"):
            return _moment(value)
        return str(value)

    def scores(self, scores):
        words = []
        for key, (value, not_applicable) in scores.items():
            if not_applicable:
                shown = _("not applicable")
            elif value is None:
                shown = _("no score")
            else:
                shown = str(value)
            words.append(
                _("%(criterion)s: %(score)s")
                % {"criterion": self.criteria.get(key, key), "score": shown}
            )
        return ", ".join(words)

    def criterion(self, item):
        if not isinstance(item, dict):
            return str(item)
        # The labels as they were then, in the reader's language.
        language = (get_language() or "fr")[:2]
        label = (
            item.get(f"label_{language}")
            or item.get("label_fr")
            or self.criteria.get(item.get("key"), "")
        )
        return _("%(label)s (weight %(weight)s, scored out of %(scale)s)") % {
            "label": label,
            "weight": item.get("weight", "—"),
            "scale": item.get("scale_max", "—"),
        }

    def pairs(self, values, *, separator=" · "):
        """``values`` (a stored dict) as "Label: value" pairs; "" when empty."""
        if not values:
            return ""
        return separator.join(
            _("%(label)s: %(value)s")
            % {"label": self.label(key), "value": self.value(key, value)}
            for key, value in values.items()
        )

    def sentence(self, event):
        return event_sentence(event)
