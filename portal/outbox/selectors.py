"""Reads of the outbox."""

from .filters import OutgoingEmailFilter
from .models import OutgoingEmail


def emails_for_backoffice(params):
    """The emails matching the back-office filters ``params`` (a QueryDict):
    ``state``, ``kind`` and ``q`` (part of the recipient's address), newest
    first, without their bodies. Return the bound ``OutgoingEmailFilter``;
    its ``qs`` is the list (one query per page, whatever its size)."""
    queryset = OutgoingEmail.objects.defer("body").order_by("-created_at", "-id")
    return OutgoingEmailFilter(params, queryset=queryset)
