"""What a person reads: labels, "Yes"/"No", sizes, Paris time, never codes."""

import datetime

from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext

from ..enums import Granularity, QuestionKind, TeamRole
from .content import content_value
from .registry import EMPTY, FIELDS, PARIS, Kind, sections


def _choice(choices, value):
    try:
        return str(choices(value).label)
    except (TypeError, ValueError):
        # A code no longer offered (an old snapshot): shown as it was stored.
        return str(value)


def _language():
    return (get_language() or "fr")[:2]


def _question_choice(question, value):
    for choice in (question.choices if question else None) or []:
        if str(choice.get("value")) == str(value):
            return choice.get(f"label_{_language()}") or choice.get("label_fr") or value
    return str(value)


def readable_answer(answer, question=None):
    """Return what a person reads for one frozen answer to a call's question.

    ``answer`` is the frozen dict (``kind`` and ``answer``); ``question`` the
    ExtraQuestion when it still exists, for the labels of its choices.
    """
    kind = answer.get("kind")
    value = answer.get("answer")
    if value in (None, "", []):
        return EMPTY
    if kind == QuestionKind.YES_NO:
        if value in ("yes", True):
            return gettext("Yes")
        if value in ("no", False):
            return gettext("No")
    if kind == QuestionKind.SINGLE_CHOICE:
        return str(_question_choice(question, value))
    if kind == QuestionKind.MULTIPLE_CHOICE and isinstance(value, list):
        return ", ".join(str(_question_choice(question, item)) for item in value)
    if kind == QuestionKind.NUMBER and isinstance(value, int | float):
        return formats.localize(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def question_rows(value, *, questions=None):
    """Return ``[(label, text), ...]``: one row per frozen answer.

    ``questions`` maps question ids to the call's ExtraQuestion rows: the label
    is the question's in the reader's language while it exists, else the
    frozen (French) label.
    """
    questions = questions or {}
    rows = []
    for answer in value if isinstance(value, list) else []:
        if not isinstance(answer, dict):
            continue
        key = answer.get("question")
        question = questions.get(key) if isinstance(key, int) else None
        label = question.label if question is not None else answer.get("label")
        rows.append((label or EMPTY, readable_answer(answer, question)))
    return rows


def _paris(value):
    if isinstance(value, str):
        try:
            value = parse_datetime(value)
        except ValueError:  # well formed but impossible, as 2025-13-45
            return EMPTY
    if not isinstance(value, datetime.datetime):
        return EMPTY
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    # The short format ("30/11/2026 18:02" in French) reads well and a
    # spreadsheet takes it for a date.
    return formats.date_format(
        timezone.localtime(value, PARIS), "SHORT_DATETIME_FORMAT"
    )


def _items(value):
    return [item for item in value if isinstance(item, dict)]


def _dataset_line(row):
    name = row.get("name") or row.get("slug") or EMPTY
    step = row.get("granularity")
    step = _choice(Granularity, step) if step else EMPTY
    return f"{name} ({step}) · {row.get('purpose') or EMPTY}"


def _file_line(item):
    parts = [str(item.get("name") or EMPTY)]
    size = item.get("size")
    if isinstance(size, int):
        parts[0] += f" ({filesizeformat(size)})"
    if item.get("pitch_deck"):
        parts.append(gettext("pitch deck"))
    if item.get("sha256"):
        parts.append(f"SHA-256 {item['sha256']}")
    return " · ".join(parts)


def _member_line(member):
    parts = [str(member.get("name") or member.get("email") or EMPTY)]
    if member.get("name") and member.get("email"):
        parts[0] += f" ({member['email']})"
    if member.get("role"):
        parts.append(_choice(TeamRole, member["role"]))
    if member.get("job_title"):
        parts.append(str(member["job_title"]))
    return " · ".join(parts)


def readable(item, value, *, questions=None):
    """Return what a person reads for ``value`` stored for the field ``item``.

    Codes become their labels ("15min" reads "15 minutes", "no" reads "No"),
    booleans "Yes"/"No", sizes are human ("19,4 Kio"), times are in Paris time,
    and an empty value reads "—". Lists read one item per line. Works on the
    live value and on the frozen one, old snapshots included. ``questions``
    maps question ids to ExtraQuestion rows (labels of their choices).
    """
    kind = item.kind
    if kind == Kind.BOOLEAN:
        if value is None:
            return EMPTY
        return gettext("Yes") if value else gettext("No")
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if kind == Kind.CHOICE:
        return _choice(item.choices, value)
    if kind == Kind.MULTIPLE_CHOICE and isinstance(value, list):
        return ", ".join(_choice(item.choices, code) for code in value)
    if kind == Kind.INDICATORS and isinstance(value, list):
        return "\n".join(str(entry) for entry in value if entry) or EMPTY
    if kind == Kind.DATASETS and isinstance(value, list):
        return "\n".join(_dataset_line(row) for row in _items(value)) or EMPTY
    if kind == Kind.FILES and isinstance(value, list):
        return "\n".join(_file_line(entry) for entry in _items(value)) or EMPTY
    if kind == Kind.TEAM and isinstance(value, list):
        return "\n".join(_member_line(member) for member in _items(value)) or EMPTY
    if kind == Kind.QUESTIONS:
        rows = question_rows(value, questions=questions)
        return "\n".join(f"{label} · {text}" for label, text in rows) or EMPTY
    if kind == Kind.DATETIME:
        return _paris(value)
    if kind == Kind.NUMBER and isinstance(value, int | float):
        return formats.localize(value)
    if kind == Kind.PERSON:
        return str(getattr(value, "full_name", "") or getattr(value, "email", value))
    if isinstance(value, list | dict):
        # Hostile or unexpected stored data is shown, never allowed to crash.
        return str(value)
    return str(value)


def readable_input(name, value):
    """Return what a person reads for ``value`` of the form input ``name``.

    For the messages about one input (an edit conflict): a registry field reads
    through ``readable``; a dataset's granularity reads its label.
    """
    item = FIELDS.get(name)
    if item is not None and item.in_form:
        return readable(item, value)
    if name.startswith("dataset_") and name.endswith("_granularity") and value:
        return _choice(Granularity, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(str(entry) for entry in value)
    return str(value)


def content_sections(content, *, questions=None):
    """Return the frozen ``content`` as sections to display.

    Each section is ``{"key", "title", "rows", "plain"}``; ``plain`` when its
    only row is named like the section.

    ``rows`` are ``(label, text)`` pairs read through ``readable``; each answer
    to a call's question is a row of its own. Sections left empty (no question
    in the call) are left out. Anything but a dict reads as nothing.
    """
    if not isinstance(content, dict):
        return []
    grouped = []
    for section, fields in sections():
        rows = []
        for item in fields:
            value = content_value(content, item)
            if item.kind == Kind.QUESTIONS:
                rows.extend(question_rows(value, questions=questions))
            else:
                rows.append((item.label, readable(item, value, questions=questions)))
        if rows:
            grouped.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "rows": rows,
                    # One field named like its section (the team, the
                    # attachments): shown under the section's title alone.
                    "plain": len(rows) == 1 and str(rows[0][0]) == str(section.title),
                }
            )
    return grouped
