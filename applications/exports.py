"""Exports of the back office: the CSV of a filtered list, the PDF of one file.

The CSV's columns come from the registry of the application's fields
(``applications.fields``): each header is a field's label and each cell what a
person reads (labels, "Yes"/"No", Paris time), never a stored code.
"""

import re

from defusedcsv import csv
from django.utils import translation
from django.utils.translation import gettext as _

from . import fields as registry
from .enums import QuestionKind, TeamRole
from .services.pdfs import submission_pdf
from .services.submission import application_content, content_fingerprint

# Excel reads a UTF-8 file correctly only when it starts with a byte-order mark;
# French Excel expects semicolons.
BOM = "\ufeff"
DELIMITER = ";"
# A cell starting with one of these is run as a formula by spreadsheets: it is
# prefixed with an apostrophe, as defusedcsv does (plain numbers are left alone).
FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?[0-9][0-9 ,.]*$")

RECORD_BEFORE = ("reference", "state", "submitted_at", "updated_at")
RECORD_AFTER = ("inadmissibility_reason", "decision_feedback")


class _Echo:
    def write(self, value):
        return value


def spreadsheet_safe(value):
    """Return ``value`` as text a spreadsheet shows and never runs."""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _questions(call):
    return [
        question
        for question in call.extra_questions.all()
        if question.kind != QuestionKind.FILE
    ]


def csv_header(call):
    """The column titles: the fields' labels, one column per call question."""
    header = [registry.field(name).label for name in RECORD_BEFORE]
    header += [_("Lead"), _("Lead's email")]
    for item in registry.CONTENT_FIELDS:
        if item.kind == registry.Kind.QUESTIONS:
            header += [question.label for question in _questions(call)]
        else:
            header.append(item.label)
    header += [registry.field(name).label for name in RECORD_AFTER]
    return [str(title) for title in header]


def csv_row(application, *, questions):
    """The cells of one application, read through the registry."""
    content = registry.freeze(application, questions=questions)
    leads = [
        member
        for member in registry.content_value(content, registry.field("team")) or []
        if member.get("role") == TeamRole.LEAD
    ]
    lead = leads[0] if leads else {}
    row = [
        registry.readable(registry.field(name), getattr(application, name))
        for name in RECORD_BEFORE
    ]
    row += [
        lead.get("name") or lead.get("email") or registry.EMPTY,
        lead.get("email") or registry.EMPTY,
    ]
    for item in registry.CONTENT_FIELDS:
        value = registry.content_value(content, item)
        if item.kind == registry.Kind.QUESTIONS:
            answers = {entry["question"]: entry for entry in value}
            row += [
                registry.readable_answer(answers[question.pk], question)
                for question in questions
            ]
        else:
            row.append(registry.readable(item, value))
    row += [
        registry.readable(registry.field(name), getattr(application, name))
        for name in RECORD_AFTER
    ]
    return [spreadsheet_safe(cell) for cell in row]


def iter_applications_csv(applications, *, call):
    """Yield the CSV text of ``applications`` of ``call``, line by line, BOM first.

    ``applications`` is a queryset with the export's prefetches
    (``selectors.applications_for_export``); it is read in chunks so a long
    list never sits whole in memory.
    """
    questions = _questions(call)
    writer = csv.writer(_Echo(), delimiter=DELIMITER)
    yield BOM + writer.writerow(csv_header(call))
    for application in applications.iterator(chunk_size=200):
        yield writer.writerow(csv_row(application, questions=questions))


def application_pdf(application, *, submission=None):
    """Return the PDF bytes of one application (applicant side's renderer).

    A submission's PDF is its stored one (``services.pdfs.submission_pdf``)
    when the active language is the programme's.

    Returns None while ``applications.pdf`` is not available.
    """
    try:
        from .pdf import render_application_pdf
    except ImportError:
        return None
    if submission is not None:
        # The stored PDF in the programme's language, else rendered in the reader's.
        return submission_pdf(submission, language=translation.get_language())
    content = application_content(application)
    return render_application_pdf(
        application, content=content, fingerprint=content_fingerprint(content)
    )
