"""The audit trail's share of a person's erasure: the events stay, the
identity goes (called by ``portal.accounts.services.erase_user``)."""

from django.contrib.admin.models import LogEntry
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
    """Remove ``user``'s addresses and name from every audit event and the
    admin's history, and the personal keys (email, name, phone...) from the
    events about them or made by them. Return the numbers of rows changed."""
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
    # The Django admin's history names the objects it changed ("lea@...").
    entries = Q()
    for identifier in identifiers:
        entries |= Q(object_repr__icontains=identifier)
        entries |= Q(change_message__icontains=identifier)
    admin_entries = 0
    for entry in LogEntry.objects.filter(entries) if identifiers else []:
        entry.object_repr = redact(entry.object_repr, identifiers)
        entry.change_message = redact(entry.change_message, identifiers)
        entry.save(update_fields=["object_repr", "change_message"])
        admin_entries += 1
    return {"audit_events": changed, "admin_history": admin_entries}
