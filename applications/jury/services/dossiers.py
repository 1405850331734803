"""The jury dossier of a call: a ZIP of one PDF per admissible application
(the deposited content, its PDF attachments, the scores and comments when
asked) and ``scores.csv``, built by the worker with its progress.

The deposited content is the submission's PDF stored when it was submitted
(``applications.services.pdfs``), concatenated with pypdf: only the pages the
dossier adds (attachments list, scores, notes) are laid out by WeasyPrint."""

import io
import logging
import tempfile
import zipfile
from collections import defaultdict
from zoneinfo import ZoneInfo

from defusedcsv import csv
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from portal.audit.services import record_event
from portal.background import fail_job, finish_job, mark_job

from ...exports import BOM, DELIMITER, spreadsheet_safe
from ...pdf import PDF_BASE_URL, StaticFilesURLFetcher
from ...services.pdfs import submission_pdf
from ..enums import RunState
from ..models import Dossier
from ..selectors.dossiers import (
    dossier_applications,
    normalised_scores,
    submitted_sheets_for_call,
)
from .scoring import sheet_weighted_score

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
CSV_NAME = "scores.csv"
# The pages the dossier adds (scores, notes) are laid out for the whole call in
# one WeasyPrint document: its fixed costs (style cascade, font subsetting, the
# slow part of writing a PDF) are paid once. The deposited content is not laid
# out again: it is the submission's stored PDF (``services.pdfs``). That one
# document counts for this share of the progress bar.
EXTRA_PAGES_PROGRESS = 40


def request_dossier(call, *, include_scores, actor):
    """Create a queued ``Dossier`` of ``call`` and have the worker build it.

    Writes the audit event ``jury.dossier_requested``; the build task is queued
    once the transaction commits.
    """
    from ..tasks_dossiers import build_dossier_task

    with transaction.atomic():
        dossier = Dossier.objects.create(
            call=call, include_scores=bool(include_scores), requested_by=actor
        )
        record_event(
            "jury.dossier_requested",
            actor=actor,
            target=dossier,
            after={"call": call.slug, "include_scores": dossier.include_scores},
        )
        transaction.on_commit(lambda: build_dossier_task.delay(dossier_id=dossier.pk))
    return dossier


def record_dossier_download(dossier, *, actor):
    """Write the audit event ``jury.dossier_downloaded``: who took the file."""
    with transaction.atomic():
        record_event(
            "jury.dossier_downloaded",
            actor=actor,
            target=dossier,
            data={"call": dossier.call.slug},
        )


def _number(value):
    if value is None:
        return ""
    return formats.number_format(value, decimal_pos=2)


def _render(template, context):
    """Return the WeasyPrint document (laid out, not yet written) of ``template``."""
    html = render_to_string(template, context)
    return HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
    ).render()


def _sheet_context(sheet):
    """The rows of a sheet as a person reads them: labels, "not applicable"."""
    scores = {score.criterion_id: score for score in sheet.scores.all()}
    rows = []
    for criterion in sheet.grid.criteria.all():
        score = scores.get(criterion.pk)
        if score is None or (score.value is None and not score.not_applicable):
            shown = _("Not scored")
        elif score.not_applicable:
            shown = _("Not applicable")
        else:
            shown = f"{score.value} / {criterion.scale_max}"
        rows.append(
            {
                "label": criterion.label,
                "weight": criterion.weight,
                "score": shown,
                "comment": score.comment if score else "",
            }
        )
    membership = sheet.assignment.membership
    return {
        "juror": membership.user.full_name or membership.user.email,
        "organisation": membership.organisation,
        "weighted": _number(sheet_weighted_score(sheet)),
        "submitted_at": timezone.localtime(sheet.submitted_at, PARIS),
        "rows": rows,
        "overall_comment": sheet.overall_comment,
    }


def _read_attachment(attachment):
    """Return the pages of a PDF attachment, or None when it cannot be read."""
    try:
        with attachment.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
            # Reading every page proves the file is a usable PDF.
            return list(reader.pages)
    except Exception:  # noqa: BLE001 - any unreadable file is skipped with a note
        logger.warning("Dossier: attachment %s unreadable", attachment.pk)
        return None


def _is_readable(attachment):
    """Whether ``attachment`` reads as a PDF (its pages are not kept: the
    attachments of a whole call would not fit in memory)."""
    return _read_attachment(attachment) is not None


def _application_item(application, *, index, sheets, include_scores):
    """What the dossier holds for one application: its deposited submission
    (the last one), its attachments read as PDFs, its sheets when asked."""
    submissions = application.deposited_submissions
    submission = submissions[0] if submissions else None
    attachments = [
        {
            "name": attachment.original_name,
            "attachment": attachment,
            "readable": _is_readable(attachment),
        }
        for attachment in application.attachments.all()
    ]
    return {
        "anchor": f"application-{index}",
        "application": application,
        "submission": submission,
        "include_scores": include_scores,
        "sheets": [_sheet_context(sheet) for sheet in sheets] if include_scores else [],
        "attachments": [
            {**attachment, "anchor": f"note-{index}-{number}"}
            for number, attachment in enumerate(attachments)
        ],
    }


def _has_extra_pages(item):
    return bool(
        item["include_scores"] or item["attachments"] or item["submission"] is None
    )


def _extra_pages(call, items):
    """Return ``{anchor: [pages]}``: the pages each item adds after its content
    (attachments list, scores, notes), laid out for all ``items`` in one
    WeasyPrint document (small pages, fonts subset once) then split; and
    ``{note anchor: page}`` for the attachments that could not be appended."""
    items = [item for item in items if _has_extra_pages(item)]
    if not items:
        return {}, {}
    document = _render("pdf/jury_application.html", {"call": call, "items": items})
    first_page = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    pages = PdfReader(io.BytesIO(document.write_pdf())).pages
    starts = [first_page[item["anchor"]] for item in items] + [len(pages)]
    extras, notes = {}, {}
    for position, item in enumerate(items):
        start, end = starts[position], starts[position + 1]
        note_starts = []
        for attachment in item["attachments"]:
            if not attachment["readable"]:
                number = first_page[attachment["anchor"]]
                notes[attachment["anchor"]] = pages[number]
                note_starts.append(number)
        extras[item["anchor"]] = list(pages[start : min(note_starts, default=end)])
    return extras, notes


def _application_pdf(item, *, extras, notes):
    """Return the PDF (bytes) of one application: its stored content (rendered
    and stored now if it never was), the pages the dossier adds, then each
    attachment's pages (or the note saying why it is not appended)."""
    writer = PdfWriter()
    if item["submission"] is not None:
        content = PdfReader(io.BytesIO(submission_pdf(item["submission"])))
        for page in content.pages:
            writer.add_page(page)
    for page in extras.get(item["anchor"], []):
        writer.add_page(page)
    for attachment in item["attachments"]:
        if not attachment["readable"]:
            writer.add_page(notes[attachment["anchor"]])
            continue
        for page in _read_attachment(attachment["attachment"]) or []:
            writer.add_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _csv_rows(sheets, normalised):
    yield [
        _("Application"),
        _("Project title"),
        _("Juror"),
        _("Juror's organisation"),
        _("Criterion"),
        _("Weight"),
        _("Highest score"),
        _("Score"),
        _("Not applicable"),
        _("Comment"),
        _("Weighted score of the sheet (0-100)"),
        _("Normalised score of the sheet (z)"),
        _("Submitted at (Paris time)"),
    ]
    for sheet in sheets:
        application = sheet.assignment.application
        membership = sheet.assignment.membership
        weighted = _number(sheet_weighted_score(sheet))
        z = _number(normalised.get(sheet.pk))
        submitted_at = timezone.localtime(sheet.submitted_at, PARIS).strftime(
            "%Y-%m-%d %H:%M"
        )
        scores = {score.criterion_id: score for score in sheet.scores.all()}
        for criterion in sheet.grid.criteria.all():
            score = scores.get(criterion.pk)
            yield [
                application.reference,
                application.title,
                membership.user.full_name or membership.user.email,
                membership.organisation,
                criterion.label,
                criterion.weight,
                criterion.scale_max,
                "" if score is None or score.value is None else score.value,
                _("Yes") if score is not None and score.not_applicable else _("No"),
                score.comment if score is not None else "",
                weighted,
                z,
                submitted_at,
            ]


def scores_csv(sheets):
    """Return ``scores.csv`` (text): every score of ``sheets``, raw, with the
    sheet's weighted score and its normalised score, spreadsheet-safe."""
    sheets = list(sheets)
    normalised = normalised_scores(sheets)
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER)
    for row in _csv_rows(sheets, normalised):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


def build_dossier(dossier):
    """Build the ZIP of ``dossier`` under MEDIA_ROOT and mark it done.

    Updates ``progress`` after each application (outside any transaction, so
    the page polling it sees it move). Writes ``jury.dossier_built``; on any
    error marks it failed with a readable message and writes
    ``jury.dossier_failed``. A dossier already done or failed is left alone.
    """
    if dossier.is_finished:
        return dossier
    mark_job(dossier, state=RunState.RUNNING, progress=0)
    try:
        call = dossier.call
        applications = list(dossier_applications(call))
        sheets = list(submitted_sheets_for_call(call))
        by_application = defaultdict(list)
        for sheet in sheets:
            by_application[sheet.assignment.application_id].append(sheet)
        with tempfile.TemporaryFile() as archive_file:
            with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
                total = len(applications)
                items = [
                    _application_item(
                        application,
                        index=index,
                        sheets=by_application.get(application.pk, []),
                        include_scores=dossier.include_scores,
                    )
                    for index, application in enumerate(applications)
                ]
                extras, notes = _extra_pages(call, items)
                mark_job(dossier, progress=EXTRA_PAGES_PROGRESS)
                for done, item in enumerate(items, start=1):
                    pdf = _application_pdf(item, extras=extras, notes=notes)
                    archive.writestr(f"{item['application'].reference}.pdf", pdf)
                    share = (100 - EXTRA_PAGES_PROGRESS) * done // total
                    mark_job(dossier, progress=EXTRA_PAGES_PROGRESS + share)
                archive.writestr(CSV_NAME, scores_csv(sheets))
            archive_file.seek(0)
            name = f"{call.slug}-dossier-{dossier.pk}.zip"
            finish_job(
                dossier,
                file=(name, File(archive_file)),
                progress=100,
                event="jury.dossier_built",
                after={"applications": total, "sheets": len(sheets)},
            )
    except Exception as exc:  # noqa: BLE001 - a failure is recorded, never lost
        logger.exception("Dossier %s failed", dossier.pk)
        fail_job(
            dossier,
            exc,
            message=_("The dossier could not be built: %(reason)s"),
            event="jury.dossier_failed",
        )
    return dossier
