"""The PDF of a submission's frozen content: rendered once, stored, reused.

The receipt email attaches it and the jury dossier concatenates it, so
WeasyPrint lays out each deposited content once (the slow part of a PDF).
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from ..models import Submission

logger = logging.getLogger(__name__)


def _read_stored(submission):
    """Return the bytes of the stored PDF of ``submission``, or None."""
    if not submission.pdf:
        return None
    try:
        with submission.pdf.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning(
            "Submission %s: stored PDF missing, rendered again", submission.pk
        )
        return None


def submission_pdf(submission, language=None):
    """Return the PDF (bytes) of ``submission``'s content, in the programme's
    language (``LANGUAGE_CODE``), rendering and storing it the first time.

    With another ``language`` the PDF is rendered in that language, neither
    stored nor read from the store (only the programme's language is kept).

    The file is written under MEDIA_ROOT (never served) and recorded on the
    row only if no other process stored one meanwhile; the loser's file is
    deleted and the winner's kept. Rendering happens outside any transaction.
    """
    # WeasyPrint is heavy to import: only the processes that render load it.
    if language is not None and language != settings.LANGUAGE_CODE:
        from ..pdf import render_application_pdf

        with translation.override(language):
            return render_application_pdf(submission.application, submission=submission)
    stored = _read_stored(submission)
    if stored is not None:
        return stored
    from ..pdf import render_application_pdf

    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_application_pdf(submission.application, submission=submission)
    previous = submission.pdf.name or ""
    field = submission.pdf
    field.save("content.pdf", ContentFile(pdf), save=False)
    with transaction.atomic():
        updated = Submission.objects.filter(pk=submission.pk, pdf=previous).update(
            pdf=field.name
        )
    if not updated:
        # Stored by another process meanwhile (or the row is gone): keep theirs.
        field.storage.delete(field.name)
        submission.pdf.name = (
            Submission.objects.filter(pk=submission.pk)
            .values_list("pdf", flat=True)
            .first()
            or ""
        )
    elif previous:
        field.storage.delete(previous)
    return pdf
