"""The data charter of data access: which version is in force, who signed it.

A Project's team signs the charter in force before any key is created; when a
new version is published, keys already made keep working but no new key is
created until a member of the team signs the new version.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_event

from .models import CharterSignature


def charter_in_force(*, today=None):
    """The version of the data charter in force ``today`` (Paris): the latest
    published on or before it; ``None`` when none is published yet."""
    from applications.models import DataCharter

    from .metering import paris_day

    today = today or paris_day()
    return (
        DataCharter.objects.filter(published_on__lte=today)
        .order_by("-published_on", "-id")
        .first()
    )


def signature_in_force(project, *, today=None):
    """The signature by ``project`` of the charter in force, or ``None``."""
    charter = charter_in_force(today=today)
    if charter is None or project is None:
        return None
    return (
        CharterSignature.objects.filter(charter=charter, project=project)
        .select_related("charter")
        .first()
    )


def project_has_signed_charter_in_force(project, *, today=None):
    """Whether ``project`` signed the charter in force. With no charter
    published at all, no key can be made either (``False``)."""
    return signature_in_force(project, today=today) is not None


def sign_charter(project, *, charter, signer, signer_name):
    """Record that ``signer``, a member of ``project``'s team, signs
    ``charter`` (which must be the version in force) under ``signer_name``.

    Raises ``ValidationError`` for a charter that is not in force, a signer
    outside the team, an empty name, or a charter already signed by the
    Project. Writes the audit event ``charter.signed``.
    """
    signer_name = (signer_name or "").strip()[:200]
    if not signer_name:
        raise ValidationError(_("Type your full name to sign."))
    in_force = charter_in_force()
    if in_force is None or charter is None or charter.pk != in_force.pk:
        raise ValidationError(
            _("This version of the charter is no longer in force: read the new one.")
        )
    if not project.application.team.filter(user=signer).exists():
        raise ValidationError(_("Only a member of the project's team can sign."))
    try:
        with transaction.atomic():
            signature = CharterSignature.objects.create(
                charter=charter,
                project=project,
                signer=signer,
                signer_name=signer_name,
                signed_at=timezone.now(),
            )
            record_event(
                "charter.signed",
                actor=signer,
                target=signature,
                data={"version": charter.version, "project": project.pk},
            )
    except IntegrityError:
        raise ValidationError(
            _("Your project already signed this version of the charter.")
        ) from None
    return signature


def signed_projects(project_ids, *, today=None):
    """The ids among ``project_ids`` of Projects that signed the charter in
    force (one query, two with the charter)."""
    charter = charter_in_force(today=today)
    if charter is None or not project_ids:
        return set()
    return set(
        CharterSignature.objects.filter(
            charter=charter, project_id__in=list(project_ids)
        ).values_list("project_id", flat=True)
    )
