"""Lookups shared by the pages of the day and after (wafter)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ..enums import RegistrationState
from ..models import Registration, Workshop
from ..permissions_wafter import can_run_workshop


def runnable_workshop_or_404(request, slug):
    """The workshop ``slug`` if the user runs it (organiser or one of its
    facilitators); 404 otherwise, so nobody learns what they may not run."""
    workshop = get_object_or_404(Workshop.objects.select_related("room"), slug=slug)
    if not can_run_workshop(request.user, workshop):
        raise Http404
    return workshop


def own_registration_or_404(request, slug, *, checked_in=False):
    """The user's confirmed registration to the workshop ``slug`` (checked in
    when asked); 404 otherwise."""
    filters = {
        "workshop__slug": slug,
        "user_id": request.user.pk,
        "state": RegistrationState.CONFIRMED,
    }
    if checked_in:
        filters["checked_in_at__isnull"] = False
    return get_object_or_404(
        Registration.objects.select_related("workshop__room", "user"), **filters
    )


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "")
