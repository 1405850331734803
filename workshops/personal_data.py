"""Personal data held by the workshops and the DemoDay: export and erasure.

``export_for(user)`` and ``erase_for(user)`` serve the portal's GDPR export and
erasure (``portal.accounts.services`` calls them).
"""

from django.db import transaction

from .models import (
    CalendarFeed,
    Certificate,
    FeedbackResponse,
    FollowUpAction,
    Registration,
)


def _iso(value):
    return value.isoformat() if value else None


def export_for(user):
    """Return ``{"workshops": [...]}``: each registration of ``user`` with its
    check-in, feedback and certificate."""
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("workshop")
        .order_by("created_at", "pk")
    )
    feedback = {
        row.registration_id: row
        for row in FeedbackResponse.objects.filter(registration__user=user)
    }
    certificates = {
        row.registration_id: row
        for row in Certificate.objects.filter(registration__user=user)
    }
    rows = []
    for registration in registrations:
        answer = feedback.get(registration.pk)
        certificate = certificates.get(registration.pk)
        rows.append(
            {
                "workshop": registration.workshop.title,
                "starts_at": _iso(registration.workshop.starts_at),
                "state": registration.state,
                "registered_at": _iso(registration.created_at),
                "checked_in_at": _iso(registration.checked_in_at),
                "feedback": {
                    "rating": answer.rating,
                    "useful": answer.useful,
                    "improve": answer.improve,
                }
                if answer
                else None,
                "certificate": {
                    "code": certificate.code,
                    "holder_name": certificate.holder_name,
                }
                if certificate
                else None,
            }
        )
    return {"workshops": rows}


@transaction.atomic
def erase_for(user):
    """Remove ``user``'s name from certificates (their PDF deleted), the
    texts of their feedback, their name as owner of follow-up actions, and
    delete their calendar links. Registrations, check-ins and votes stay for
    the attendance figures: they point at the emptied account. Return counts.
    """
    certificates = Certificate.objects.filter(registration__user=user)
    for certificate in certificates.exclude(file=""):
        storage, name = certificate.file.storage, certificate.file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    erased_certificates = certificates.update(holder_name="", file="")
    feedback = FeedbackResponse.objects.filter(registration__user=user).update(
        useful="", improve=""
    )
    names = [name for name in (user.full_name, user.email) if name]
    actions = FollowUpAction.objects.filter(owner=user)
    for name in names:
        actions = actions | FollowUpAction.objects.filter(owner_name__iexact=name)
    owned = actions.update(owner=None, owner_name="")
    feeds, _by_model = CalendarFeed.objects.filter(user=user).delete()
    return {
        "certificates": erased_certificates,
        "feedback": feedback,
        "follow_up_actions": owned,
        "calendar_feeds": feeds,
    }
