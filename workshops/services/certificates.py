"""Certificates of attendance: one PDF per checked-in registration, generated
by the worker for a whole workshop with its progress, each with a code a
public page verifies.

The certificates are laid out by WeasyPrint in batches (one document of
``BATCH`` pages, split into one PDF per certificate with pypdf): the fixed
costs of a WeasyPrint document (style cascade, fonts) are paid once a batch,
and the progress moves after each batch."""

import io
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from applications.pdf import PDF_BASE_URL, StaticFilesURLFetcher
from portal.audit.services import record_event
from portal.background import fail_job, finish_job, mark_job

from ..enums import CertificateRunState
from ..models import Certificate, CertificateRun, Registration

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
BATCH = 25
CODE_LENGTH = 10


class CertificateError(Exception):
    """A certificate request refused, with a translated message."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def attendees_of(workshop):
    """The registrations of ``workshop`` entitled to a certificate: confirmed
    and checked in."""
    return (
        Registration.objects.confirmed()
        .checked_in()
        .filter(workshop=workshop)
        .select_related("user")
        .order_by("pk")
    )


def request_certificates(workshop, *, actor, now=None):
    """Create a queued ``CertificateRun`` of ``workshop``; the worker generates
    the certificates once the transaction commits.

    Raises ``CertificateError`` before the workshop has started, when nobody
    checked in, or while another run of the workshop is queued or running.
    Writes ``workshop.certificates_requested``.
    """
    from ..tasks import build_certificates_task

    now = now or timezone.now()
    if workshop.starts_at > now:
        raise CertificateError(
            _("Certificates can be generated once the workshop has started.")
        )
    with transaction.atomic():
        # One run at a time per workshop: the workshop row is the lock.
        type(workshop).objects.select_for_update().get(pk=workshop.pk)
        if not attendees_of(workshop).exists():
            raise CertificateError(
                _("Nobody has checked in: there is no certificate to generate.")
            )
        if workshop.certificate_runs.filter(
            state__in=[CertificateRunState.QUEUED, CertificateRunState.RUNNING]
        ).exists():
            raise CertificateError(
                _("Certificates are already being generated for this workshop.")
            )
        run = CertificateRun.objects.create(workshop=workshop, requested_by=actor)
        record_event(
            "workshop.certificates_requested",
            actor=actor,
            target=workshop,
            data={"run": run.pk},
        )
        transaction.on_commit(lambda: build_certificates_task.delay(run_id=run.pk))
    return run


def verification_url(code):
    return settings.SITE_URL + reverse(
        "workshops:certificate_verify", kwargs={"code": code}
    )


def _certificate_context(certificate, workshop):
    return {
        "certificate": certificate,
        "anchor": f"certificate-{certificate.code}",
        "workshop": workshop,
        "starts_at": timezone.localtime(workshop.starts_at, PARIS),
        "ends_at": timezone.localtime(workshop.ends_at, PARIS),
        "place": workshop.room.address if workshop.room_id else "",
        "verification_url": verification_url(certificate.code),
    }


def render_certificates(certificates, workshop):
    """Return one PDF (bytes) per certificate of ``certificates``, in order,
    laid out in one WeasyPrint document and split by page."""
    items = [_certificate_context(item, workshop) for item in certificates]
    if not items:
        return []
    html = render_to_string("pdf/certificate.html", {"items": items})
    document = HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
    ).render()
    first_page = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    pages = PdfReader(io.BytesIO(document.write_pdf())).pages
    starts = [first_page[item["anchor"]] for item in items] + [len(pages)]
    pdfs = []
    for position in range(len(items)):
        writer = PdfWriter()
        for page in pages[starts[position] : starts[position + 1]]:
            writer.add_page(page)
        writer.add_metadata({"/Title": _("Certificate of attendance")})
        output = io.BytesIO()
        writer.write(output)
        pdfs.append(output.getvalue())
    return pdfs


def _ensure_certificates(workshop):
    """Create the missing ``Certificate`` rows of ``workshop``'s attendees and
    return those without a file yet (in registration order)."""
    attendees = list(attendees_of(workshop))
    existing = set(
        Certificate.objects.filter(
            registration__in=[registration.pk for registration in attendees]
        ).values_list("registration_id", flat=True)
    )
    attended_on = timezone.localtime(workshop.starts_at, PARIS).date()
    Certificate.objects.bulk_create(
        [
            Certificate(
                registration=registration,
                # The public verification page shows it: never the email
                # address, at most its local part when no name was given.
                holder_name=registration.user.display_name[:200],
                workshop_title=workshop.title[:200],
                attended_on=attended_on,
            )
            for registration in attendees
            if registration.pk not in existing
        ],
        ignore_conflicts=True,
    )
    return list(
        Certificate.objects.filter(
            registration__workshop=workshop,
            registration__checked_in_at__isnull=False,
            file="",
        ).order_by("registration_id")
    )


def build_certificates(run):
    """Generate the certificates of ``run``'s workshop that have no file yet.

    Updates ``done`` after each batch (outside any transaction, so the page
    polling it sees it move). Writes ``workshop.certificates_generated``; on
    any error marks the run failed with a readable message and writes
    ``workshop.certificates_failed``. A run already done or failed is left
    alone; certificates already generated are kept.
    """
    if run.is_finished:
        return run
    workshop = run.workshop
    try:
        todo = _ensure_certificates(workshop)
        mark_job(run, state=CertificateRunState.RUNNING, total=len(todo), done=0)
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            pdfs = render_certificates(batch, workshop)
            for certificate, pdf in zip(batch, pdfs, strict=True):
                certificate.file.save(
                    f"{workshop.slug}-{certificate.code}.pdf",
                    ContentFile(pdf),
                    save=False,
                )
            Certificate.objects.bulk_update(batch, ["file"])
            mark_job(run, done=start + len(batch))
        finish_job(
            run,
            event="workshop.certificates_generated",
            target=workshop,
            after={"certificates": len(todo)},
            data={"run": run.pk},
        )
    except Exception as exc:  # noqa: BLE001 - a failure is recorded, never lost
        logger.exception("Certificate run %s failed", run.pk)
        fail_job(
            run,
            exc,
            message=_("The certificates could not be generated: %(reason)s"),
            event="workshop.certificates_failed",
            target=workshop,
            data={"run": run.pk},
        )
    return run


def normalise_code(value):
    """The code as stored: upper case, spaces and dashes removed, at most 16
    characters (anything longer matches nothing)."""
    text = "".join(str(value or "").split()).replace("-", "").upper()
    return text[:17]


def certificate_for_code(code):
    """Return the ``Certificate`` whose code is ``code`` (any case, spaces and
    dashes ignored), or None."""
    code = normalise_code(code)
    if not code or len(code) > 16:
        return None
    return Certificate.objects.filter(code=code).first()
