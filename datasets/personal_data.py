"""Personal data held by the datasets app: the feedback messages a user wrote.

``export_for(user)`` and ``erase_for(user)`` serve the portal's GDPR export and
erasure (the accounts app calls them). Grants and API keys are in
``datasets.access.personal_data``.
"""

from django.db import transaction

from .models import Feedback


def export_for(user):
    """Return the user's feedback messages as plain data: ``{"feedback": [...]}``."""
    rows = (
        Feedback.objects.filter(author=user)
        .select_related("sensor", "dataset")
        .order_by("created_at")
    )
    return {
        "feedback": [
            {
                "sent_at": row.created_at.isoformat(),
                "sensor": row.sensor.code if row.sensor else None,
                "dataset": row.dataset.slug if row.dataset else None,
                "name": row.name,
                "email": row.email,
                "message": row.message,
                "status": row.status,
            }
            for row in rows
        ],
    }


@transaction.atomic
def erase_for(user):
    """Delete the feedback messages the user wrote; return how many.

    The messages themselves are personal (they may name the author), so they
    are deleted rather than anonymised.
    """
    deleted, _by_model = Feedback.objects.filter(author=user).delete()
    return {"feedback": deleted}
