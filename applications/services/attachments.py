"""The PDF files attached to an application."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..models import Application, Attachment
from ..validators import safe_pdf_name, validate_pdf_upload
from .drafts import check_editable

# --- Attachments --------------------------------------------------------------

MEGABYTE = 1024 * 1024


def add_attachment(
    application, *, actor, uploaded_file, is_pitch_deck=False, question=None
):
    """Attach an uploaded PDF to ``application``.

    Checks the content is a PDF, the per-file and per-application limits of the
    call (``ValidationError`` with the applicant's message). A new pitch deck or
    answer to a file question replaces the previous one. Audited as
    ``application.attachment_added``.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=application.pk)
        )
        check_editable(locked)
        call = locked.call
        sha256 = validate_pdf_upload(
            uploaded_file, max_bytes=call.max_attachment_mb * MEGABYTE
        )
        replaced = locked.attachments.none()
        if is_pitch_deck:
            replaced = locked.attachments.filter(is_pitch_deck=True)
        elif question is not None:
            replaced = locked.attachments.filter(question=question)
        replaced = list(replaced)
        kept = locked.attachments.exclude(pk__in=[item.pk for item in replaced])
        used = sum(kept.values_list("size", flat=True))
        limit = call.max_total_attachments_mb * MEGABYTE
        if used + uploaded_file.size > limit:
            raise ValidationError(
                _(
                    "The attachments of an application may weigh %(limit)s "
                    "in all; %(used)s are already used. Remove a file or "
                    "compress this one."
                ),
                code="total_too_large",
                params={
                    "limit": filesizeformat(limit),
                    "used": filesizeformat(used),
                },
            )
        for item in replaced:
            _delete_attachment(item)
        name = safe_pdf_name(uploaded_file.name)
        attachment = Attachment(
            application=locked,
            original_name=name,
            size=uploaded_file.size,
            sha256=sha256,
            is_pitch_deck=is_pitch_deck,
            question=question,
            uploaded_by=actor,
        )
        attachment.file.save("upload.pdf", uploaded_file, save=False)
        attachment.save()
        record_event(
            "application.attachment_added",
            actor=actor,
            target=locked,
            data={"name": name, "size": attachment.size, "sha256": sha256},
        )
    return attachment


def _delete_attachment(attachment):
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))


def remove_attachment(attachment, *, actor):
    """Remove an attachment (its file goes after commit).

    Raises like ``check_editable``. Audited as ``application.attachment_removed``.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=attachment.application_id)
        )
        check_editable(locked)
        record_event(
            "application.attachment_removed",
            actor=actor,
            target=locked,
            data={"name": attachment.original_name, "sha256": attachment.sha256},
        )
        _delete_attachment(attachment)
