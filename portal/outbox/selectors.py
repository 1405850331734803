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


def emails_sent_to(address):
    """The emails addressed to ``address`` (case-insensitive), newest first,
    for the personal-data export."""
    if not address:
        return OutgoingEmail.objects.none()
    return OutgoingEmail.objects.filter(to__iexact=address).order_by(
        "-created_at", "-id"
    )
