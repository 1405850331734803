"""The audit trail's share of a person's erasure: the events stay, the
identity goes (called by ``portal.accounts.services.erase_user``)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from portal.accounts.redaction import identifiers_of, redact
from portal.accounts.retention import PERSONAL_KEYS

from .models import AuditEvent


def export_for(user):
    """Nothing of its own: the audit trail records what the other exports
    already hold."""
    return {}


@transaction.atomic
def erase_for(user):
    """Remove ``user``'s addresses and name from every audit event, and the
    personal keys (email, name, phone...) from the events about them or made
    by them. Return the number of events changed."""
    identifiers = identifiers_of(user)
    mention = Q()
    for identifier in identifiers:
        for column in ("before", "after", "data"):
            mention |= Q(**{f"{column}__icontains": identifier})
    user_type = ContentType.objects.get_for_model(user)
    own = Q(actor=user) | Q(target_type=user_type, target_id=str(user.pk))
    changed = 0
    for event in AuditEvent.objects.filter(mention | own).iterator():
        is_own = event.actor_id == user.pk or (
            event.target_type_id == user_type.pk and event.target_id == str(user.pk)
        )
        drop = PERSONAL_KEYS if is_own else frozenset()
        fields = {
            column: redact(getattr(event, column), identifiers, drop_keys=drop)
            for column in ("before", "after", "data")
        }
        if any(fields[column] != getattr(event, column) for column in fields):
            for column, value in fields.items():
                setattr(event, column, value)
            event.save(update_fields=list(fields))
            changed += 1
    return {"audit_events": changed}
