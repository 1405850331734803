"""Domain errors and the row-locking helpers the services share."""

from django.core.exceptions import ValidationError

from ..models import Application

# --- Domain errors -------------------------------------------------------------


class ApplicationStateError(ValidationError):
    """The application's state does not allow what was asked."""


class DeadlinePassedError(ValidationError):
    """The call is closed (or not open yet) at the time of the request."""


class IncompleteApplicationError(ValidationError):
    """The application misses required content; ``missing`` lists it.

    ``missing`` is a list of ``(field_name, message)`` pairs, in form order.
    """

    def __init__(self, missing):
        self.missing = list(missing)
        super().__init__([message for _name, message in self.missing])


class NotEligibleError(ValidationError):
    """The eligibility screen failed; ``reasons`` say why."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__(self.reasons)


class TeamError(ValidationError):
    """A change to the team that is not allowed."""


class EditConflictError(Exception):
    """Fields changed by someone else since the client's version.

    Not raised by ``save_draft`` (which merges what it can and reports the
    conflicts); kept for callers that want all-or-nothing behaviour.
    """

    def __init__(self, conflicts):
        self.conflicts = conflicts
        super().__init__(", ".join(sorted(conflicts)))


# --- States -------------------------------------------------------------------


def _lock(application):
    return Application.objects.select_for_update().get(pk=application.pk)


def _sync(application, locked, fields):
    """Copy saved values back onto the caller's instance."""
    for name in fields:
        setattr(application, name, getattr(locked, name))
