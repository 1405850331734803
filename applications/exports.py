"""Exports of the back office: the CSV of a filtered list, the PDF of one file."""

import csv

from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import ApplicantType, ApplicationState, Theme
from .services.submission import application_content, content_fingerprint

# Excel reads a UTF-8 file correctly only when it starts with a byte-order mark;
# French Excel expects semicolons.
BOM = "\ufeff"
DELIMITER = ";"


class _Echo:
    def write(self, value):
        return value


def _paris(moment):
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def csv_header():
    return [
        _("Reference"),
        _("State"),
        _("Title"),
        _("Organisation"),
        _("Applicant type"),
        _("SIRET"),
        _("Themes"),
        _("Requested datasets"),
        _("Lead"),
        _("Lead's email"),
        _("Maturity"),
        _("Submitted at (Paris)"),
        _("Last saved at (Paris)"),
        _("Reason for inadmissibility"),
        _("Feedback to the team"),
    ]


def csv_row(application):
    themes = dict(Theme.choices)
    leads = getattr(application, "leads", None)
    if leads is None:
        leads = [m for m in application.team.all() if m.role == "lead"]
    lead = leads[0].user if leads else None
    return [
        application.reference,
        ApplicationState(application.state).label,
        application.title,
        application.organisation_name,
        dict(ApplicantType.choices).get(application.applicant_type, ""),
        application.siret,
        ", ".join(str(themes.get(t, t)) for t in application.themes or []),
        ", ".join(
            f"{r.dataset.slug} ({r.get_granularity_display()})"
            for r in application.requested_datasets.all()
        ),
        lead.full_name if lead else "",
        lead.email if lead else "",
        application.get_maturity_display(),
        _paris(application.submitted_at),
        _paris(application.updated_at),
        application.inadmissibility_reason,
        application.decision_feedback,
    ]


def iter_applications_csv(applications):
    """Yield the CSV text of ``applications``, line by line, BOM first.

    ``applications`` is a queryset with the back-office prefetches; it is read
    in chunks so a long list never sits whole in memory.
    """
    writer = csv.writer(_Echo(), delimiter=DELIMITER)
    yield BOM + writer.writerow([str(h) for h in csv_header()])
    for application in applications.iterator(chunk_size=200):
        yield writer.writerow([str(value) for value in csv_row(application)])


def application_pdf(application, *, submission=None):
    """Return the PDF bytes of one application (applicant side's renderer).

    Returns None while ``applications.pdf`` is not available.
    """
    try:
        from .pdf import render_application_pdf
    except ImportError:
        return None
    if submission is not None:
        return render_application_pdf(application, submission=submission)
    content = application_content(application)
    return render_application_pdf(
        application, content=content, fingerprint=content_fingerprint(content)
    )
