"""The audit trail: every service that changes a state writes one event."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def record_event(verb, *, actor, target=None, before=None, after=None, data=None):
    """Write an audit event ``verb`` (dotted, e.g. ``application.submitted``).

    ``actor`` may be None for the system (a periodic task). Call it inside the
    service's transaction so the event and the change commit together.
    """
    return AuditEvent.objects.create(
        verb=verb,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target_type=ContentType.objects.get_for_model(target) if target else None,
        target_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
        data=data or {},
    )
