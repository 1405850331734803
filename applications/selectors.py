"""Reads over calls and applications that depend on time or on the viewer."""

from .models import Call


def call_for_home_page(*, now):
    """Return the call for the home page: the open one, else the next, else the last."""
    calls = Call.objects.published()
    return (
        calls.open_at(now).order_by("closes_at").first()
        or calls.filter(opens_at__gt=now).order_by("opens_at").first()
        or calls.order_by("-closes_at").first()
    )
