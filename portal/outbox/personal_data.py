"""The outbox's share of a user's personal data: export and erasure (RGPD).

Called by ``portal.accounts.services.export_personal_data`` and ``erase_user``.
An email belongs to a person by its address: the account's address and every
address the person registered.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q

from portal.accounts.redaction import identifiers_of, mentions, redact

from .enums import EmailState
from .models import OutgoingAttachment, OutgoingEmail

# Stored as the reason of an email that was still waiting when its recipient
# (or the person it named) was erased: it is never sent.
ERASED_REASON = "Not sent: the recipient's account was erased."


def _addresses_of(user):
    addresses = set(
        EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    if user.email:
        addresses.add(user.email)
    return sorted(address.lower() for address in addresses)


def _emails_of(user, field="to"):
    query = Q()
    for address in _addresses_of(user):
        query |= Q(**{f"{field}__iexact": address})
    if not query:
        return OutgoingEmail.objects.none()
    return OutgoingEmail.objects.filter(query)


def export_for(user):
    """Return ``{"emails_sent_to_you": [...]}``: subject, kind (its label),
    state and dates of every email the portal queued for the user's addresses,
    oldest first (bodies are not repeated: they were sent to the user)."""
    rows = _emails_of(user).defer("body").order_by("created_at", "id")
    return {
        "emails_sent_to_you": [
            {
                "to": row.to,
                "subject": row.subject,
                "kind": str(row.get_kind_display()),
                "state": str(row.get_state_display()),
                "queued_at": row.created_at.isoformat(),
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            }
            for row in rows
        ]
    }


@transaction.atomic
def erase_for(user):
    """Blank the recipient address and the body of the user's emails and drop
    their attachments; an email still queued is marked failed, never sent.
    Emails whose reply-to was the user's address lose it and their body.
    The rows stay (kind, subject, dates) for the record. Return the count."""
    rows = _emails_of(user)
    ids = list(rows.values_list("pk", flat=True))
    OutgoingAttachment.objects.filter(email_id__in=ids).delete()
    OutgoingEmail.objects.filter(pk__in=ids, state=EmailState.QUEUED).update(
        state=EmailState.FAILED, next_attempt_at=None, last_error=ERASED_REASON
    )
    erased = OutgoingEmail.objects.filter(pk__in=ids).update(to="", body="")
    # The idempotency key names the recipient's address: replaced by one
    # that is still unique and names no one. The subject may name them too.
    identifiers = identifiers_of(user)
    for row in OutgoingEmail.objects.filter(pk__in=ids).only("subject"):
        row.idempotency_key = f"erased:{row.pk}"
        row.subject = redact(row.subject, identifiers)
        row.save(update_fields=["idempotency_key", "subject"])
    # Emails to organisers that carried the person's address for answers
    # (feedback they wrote): the address and the text go too.
    _emails_of(user, "reply_to").update(reply_to="", body="")
    # Emails to other people that name the person (an invitation they sent,
    # a message about them): the text goes, the subject loses the name.
    mention = Q()
    for identifier in identifiers:
        mention |= Q(subject__icontains=identifier) | Q(body__icontains=identifier)
        mention |= Q(idempotency_key__icontains=identifier)
    for row in (
        OutgoingEmail.objects.filter(mention).exclude(pk__in=ids) if identifiers else []
    ):
        OutgoingAttachment.objects.filter(email=row).delete()
        row.subject = redact(row.subject, identifiers)
        if mentions(row.body, identifiers):
            row.body = ""
            if row.state == EmailState.QUEUED:
                # An emptied email is never sent.
                row.state, row.next_attempt_at = EmailState.FAILED, None
                row.last_error = ERASED_REASON
        if mentions(row.idempotency_key, identifiers):
            row.idempotency_key = f"erased:{row.pk}"
        row.save(
            update_fields=[
                "subject",
                "body",
                "idempotency_key",
                "state",
                "next_attempt_at",
                "last_error",
            ]
        )
    return {"emails": erased}
