"""Check-in on the day: by name from a list, or by scanning the QR code of
the participant's ticket. A second check-in of the same person is harmless."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..enums import RegistrationState
from ..models import Certificate, Registration


class CheckInError(Exception):
    """A check-in refused, with a message meant for the person at the door."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    already: bool


def registration_for_token(workshop, token):
    """Return the registration of ``workshop`` whose ticket carries ``token``.

    Raises ``CheckInError`` when the token is unknown, belongs to another
    workshop (a ticket is valid for its own workshop only) or to a
    registration that is not confirmed.
    """
    registration = (
        Registration.objects.select_related("user", "workshop")
        .filter(checkin_token=str(token)[:64])
        .first()
    )
    if registration is None:
        raise CheckInError(_("This ticket is unknown."))
    if registration.workshop_id != workshop.pk:
        raise CheckInError(_("This ticket is for another workshop."))
    if registration.state != RegistrationState.CONFIRMED:
        raise CheckInError(_("This registration is not confirmed."))
    return registration


def check_in(registration, *, actor, now=None):
    """Mark ``registration`` as present at ``now``; return a ``CheckInResult``.

    Locks the row so two phones scanning at once record one check-in; a
    registration already checked in is left as it was (``already`` True, no
    audit event). Writes ``workshop.checked_in``. Raises ``CheckInError`` for a
    registration that is not confirmed.
    """
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.state != RegistrationState.CONFIRMED:
            raise CheckInError(_("This registration is not confirmed."))
        if locked.checked_in_at is not None:
            registration.checked_in_at = locked.checked_in_at
            registration.checked_in_by_id = locked.checked_in_by_id
            return CheckInResult(registration, already=True)
        locked.checked_in_at = now or timezone.now()
        locked.checked_in_by = actor
        locked.save(update_fields=["checked_in_at", "checked_in_by"])
        record_event(
            "workshop.checked_in",
            actor=actor,
            target=locked,
            after={"checked_in_at": locked.checked_in_at.isoformat()},
        )
    registration.checked_in_at = locked.checked_in_at
    registration.checked_in_by_id = locked.checked_in_by_id
    return CheckInResult(registration, already=False)


def undo_check_in(registration, *, actor):
    """Clear the check-in of ``registration`` (a mistake at the door).

    Writes ``workshop.check_in_undone``; does nothing on a registration not
    checked in. A certificate already issued is withdrawn (deleted with its
    file): certificates are only for people who came.
    """
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.checked_in_at is None:
            return registration
        before = locked.checked_in_at.isoformat()
        locked.checked_in_at = None
        locked.checked_in_by = None
        locked.save(update_fields=["checked_in_at", "checked_in_by"])
        certificate = Certificate.objects.filter(registration=locked).first()
        if certificate is not None:
            stored = certificate.file.name
            certificate.delete()
            if stored:
                storage = certificate.file.storage
                transaction.on_commit(lambda: storage.delete(stored))
        record_event(
            "workshop.check_in_undone",
            actor=actor,
            target=locked,
            before={
                "checked_in_at": before,
                "certificate": certificate.code if certificate else "",
            },
        )
    registration.checked_in_at = None
    registration.checked_in_by_id = None
    return registration
