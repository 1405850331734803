"""The one registry of an application's fields.

Every place that lists the fields of an application reads them here: the form
(its sections, their order, each input), the completeness check before
submission, the content frozen at submission, the receipt PDF, the organisers'
CSV and the back-office page.

The frozen content keeps codes ("15min", "no", a size in bytes): they are data,
and the fingerprint is computed over them. What a person reads always goes
through ``readable``, for the live application and for old submissions alike.
"""

import datetime
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .enums import (
    ApplicantType,
    ApplicationState,
    Granularity,
    Maturity,
    QuestionKind,
    TeamRole,
    Theme,
)
from .validators import normalise_siret, validate_siret

PARIS = ZoneInfo("Europe/Paris")
# What a person reads where nothing was given.
EMPTY = "—"


class Kind(enum.StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    BOOLEAN = "boolean"
    URL = "url"
    SIRET = "siret"
    INDICATORS = "indicators"
    # Each requested dataset with its purpose and granularity.
    DATASETS = "datasets"
    FILES = "files"
    TEAM = "team"
    # The answers to the call's own questions.
    QUESTIONS = "questions"
    # Kinds of the record kept about an application (never frozen, never typed).
    NUMBER = "number"
    DATETIME = "datetime"
    PERSON = "person"
    RELATED = "related"


# Kinds stored in one column of Application and typed in one input of the form.
SCALAR_KINDS = frozenset(
    {Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE, Kind.BOOLEAN, Kind.URL, Kind.SIRET}
)


@dataclass(frozen=True)
class Section:
    key: str
    title: str


@dataclass(frozen=True)
class Field:
    """One field of an application.

    ``name`` is the Application attribute (or related name) holding it and the
    name of its input in the form. ``path`` is where the frozen content keeps
    it; an empty path means the field is part of the record, not the content.
    """

    name: str
    label: str
    kind: Kind
    section: str
    path: tuple = ()
    # The TextChoices of a choice field, and the call's attribute narrowing them.
    choices: type | None = None
    call_choices: str = ""
    # Required for submission: ``missing`` says what to do when it is not there.
    required: bool = False
    missing: str = ""
    max_length: int | None = None
    # Checked at submission when set (the form's own limit may be bypassed).
    too_long: str = ""
    # Typed in the application form (team, attachments and the record are not).
    in_form: bool = True
    form_label: str | None = None
    help_text: str = ""
    rows: int = 6
    radio: bool = False
    # Indicators: how many inputs the form offers, how many submission needs.
    count: int = 0
    minimum: int = 0

    @property
    def is_content(self):
        return bool(self.path)

    @property
    def is_scalar(self):
        return self.kind in SCALAR_KINDS


SECTIONS = (
    Section("organisation", _("Organisation")),
    Section("team", _("Team")),
    Section("project", _("Project")),
    Section("datasets", _("Requested datasets")),
    Section("responsibility", _("Privacy and AI")),
    Section("collaboration", _("Co-construction")),
    Section("impact", _("Impact")),
    Section("feasibility", _("Maturity, milestones and sustainability")),
    Section("questions", _("Questions of the call")),
    Section("attachments", _("Attachments")),
    Section("declarations", _("Declarations")),
)

K = Kind
CONTENT_FIELDS = (
    # Organisation
    Field(
        "organisation_name",
        _("Organisation name"),
        K.TEXT,
        "organisation",
        ("organisation", "name"),
        required=True,
        missing=_("The organisation's name is missing."),
        max_length=200,
    ),
    Field(
        "applicant_type",
        _("Applicant type"),
        K.CHOICE,
        "organisation",
        ("organisation", "type"),
        choices=ApplicantType,
        call_choices="eligible_types",
        required=True,
        missing=_("Choose an applicant type among those the call accepts."),
    ),
    Field(
        "siret",
        _("SIRET"),
        K.SIRET,
        "organisation",
        ("organisation", "siret"),
        max_length=20,
        form_label=_("SIRET (if your organisation has one)"),
        help_text=_("14 digits, checked by its check digit."),
    ),
    Field(
        "website",
        _("Website"),
        K.URL,
        "organisation",
        ("organisation", "website"),
        max_length=200,
    ),
    Field("team", _("Team"), K.TEAM, "team", ("team",), in_form=False),
    # Project
    Field(
        "title",
        _("Project title"),
        K.TEXT,
        "project",
        ("project", "title"),
        required=True,
        missing=_("The project title is missing."),
        max_length=200,
    ),
    Field(
        "summary",
        _("Short summary"),
        K.LONG_TEXT,
        "project",
        ("project", "summary"),
        required=True,
        missing=_("The short summary is missing."),
        max_length=500,
        too_long=_("The summary is %(length)s characters long; the limit is 500."),
        help_text=_("500 characters at most."),
        rows=4,
    ),
    Field(
        "themes",
        _("Themes"),
        K.MULTIPLE_CHOICE,
        "project",
        ("project", "themes"),
        choices=Theme,
        call_choices="themes",
        required=True,
        missing=_("Choose at least one theme."),
    ),
    Field(
        "problem",
        _("The residents' problem"),
        K.LONG_TEXT,
        "project",
        ("project", "problem"),
        required=True,
        missing=_("The residents' problem is missing."),
    ),
    Field(
        "proposed_service",
        _("The proposed service"),
        K.LONG_TEXT,
        "project",
        ("project", "proposed_service"),
        required=True,
        missing=_("The proposed service is missing."),
    ),
    Field(
        "target_users",
        _("Target users"),
        K.LONG_TEXT,
        "project",
        ("project", "target_users"),
        required=True,
        missing=_("The target users are missing."),
        rows=3,
    ),
    # Data requested
    Field(
        "requested_datasets",
        _("Requested datasets"),
        K.DATASETS,
        "datasets",
        ("requested_datasets",),
        required=True,
        missing=_("Choose at least one dataset you need."),
    ),
    # Privacy and AI
    Field(
        "privacy_safeguards",
        _("Privacy and re-identification safeguards"),
        K.LONG_TEXT,
        "responsibility",
        ("project", "privacy_safeguards"),
        required=True,
        missing=_("The privacy safeguards are missing."),
        help_text=_(
            "No licence plates, faces, device tracking or trajectories: "
            "say how you keep to aggregates."
        ),
    ),
    Field(
        "ai_use",
        _("Use of AI and how it is explained"),
        K.LONG_TEXT,
        "responsibility",
        ("project", "ai_use"),
        required=True,
        missing=_("Say whether you use AI (and how it is explained)."),
        help_text=_("If you use no AI, say so."),
    ),
    # Co-construction
    Field(
        "co_construction_plan",
        _("Co-construction plan"),
        K.LONG_TEXT,
        "collaboration",
        ("project", "co_construction_plan"),
        required=True,
        missing=_("The co-construction plan is missing."),
    ),
    # Impact
    Field(
        "expected_impact",
        _("Expected impact"),
        K.LONG_TEXT,
        "impact",
        ("project", "expected_impact"),
        required=True,
        missing=_("The expected impact is missing."),
    ),
    Field(
        "impact_indicators",
        _("Impact indicators"),
        K.INDICATORS,
        "impact",
        ("project", "impact_indicators"),
        required=True,
        missing=_("Give at least two impact indicators."),
        max_length=300,
        form_label=_("Indicator %(number)s"),
        help_text=_("Give two or three measurable indicators."),
        count=3,
        minimum=2,
    ),
    # Maturity, milestones and sustainability
    Field(
        "maturity",
        _("Maturity"),
        K.CHOICE,
        "feasibility",
        ("project", "maturity"),
        choices=Maturity,
        required=True,
        missing=_("Choose the project's maturity."),
        radio=True,
    ),
    Field(
        "milestones",
        _("Milestones to the DemoDay"),
        K.LONG_TEXT,
        "feasibility",
        ("project", "milestones"),
        required=True,
        missing=_("The milestones to the DemoDay are missing."),
    ),
    Field(
        "sustainability",
        _("Sustainability"),
        K.LONG_TEXT,
        "feasibility",
        ("project", "sustainability"),
        required=True,
        missing=_("The sustainability of the project is missing."),
    ),
    # The call's own questions
    Field(
        "extra_answers",
        _("Answers to the call's questions"),
        K.QUESTIONS,
        "questions",
        ("extra_answers",),
    ),
    # Attachments
    Field(
        "attachments",
        _("Attachments"),
        K.FILES,
        "attachments",
        ("attachments",),
        required=True,
        missing=_("Attach the pitch deck (PDF)."),
        in_form=False,
    ),
    # Declarations
    Field(
        "accepts_charter",
        _("I accept the data charter"),
        K.BOOLEAN,
        "declarations",
        ("declarations", "accepts_charter"),
        required=True,
        missing=_("Accept the data charter (version %(version)s)."),
        form_label=_("I accept the data charter (version %(version)s)"),
    ),
    Field(
        "charter_version",
        _("Version of the charter accepted"),
        K.TEXT,
        "declarations",
        ("declarations", "charter_version"),
        # Set by ticking the charter, never typed.
        in_form=False,
    ),
    Field(
        "accepts_privacy_notice",
        _("I have read the privacy notice"),
        K.BOOLEAN,
        "declarations",
        ("declarations", "accepts_privacy_notice"),
        required=True,
        missing=_("Confirm you have read the privacy notice."),
    ),
    Field(
        "certifies_accuracy",
        _("I certify the information is accurate"),
        K.BOOLEAN,
        "declarations",
        ("declarations", "certifies_accuracy"),
        required=True,
        missing=_("Certify that the information is accurate."),
    ),
)


def _record(name, label, kind, **options):
    return Field(name, label, kind, "record", in_form=False, **options)


# What the portal records about an application besides its content.
RECORD_FIELDS = (
    _record("reference", _("Reference"), K.TEXT),
    _record("call", _("Call"), K.RELATED),
    _record("state", _("State"), K.CHOICE, choices=ApplicationState),
    _record("version", _("Version"), K.NUMBER),
    _record("field_versions", _("Version of each field"), K.RELATED),
    _record("inadmissibility_reason", _("Reason for inadmissibility"), K.LONG_TEXT),
    _record("decision_feedback", _("Feedback to the team"), K.LONG_TEXT),
    _record("created_by", _("Created by"), K.PERSON),
    _record("created_at", _("Created at"), K.DATETIME),
    _record("updated_at", _("Last saved at"), K.DATETIME),
    _record("updated_by", _("Last saved by"), K.PERSON),
    _record("submitted_at", _("Submitted at"), K.DATETIME),
    _record("state_changed_at", _("State changed at"), K.DATETIME),
)
del K

FIELDS = {field.name: field for field in CONTENT_FIELDS + RECORD_FIELDS}


def field(name):
    """Return the registered field called ``name`` (KeyError when unknown)."""
    return FIELDS[name]


def sections(*, in_form=None):
    """Return ``[(section, [field, ...]), ...]`` in order, empty sections left out.

    ``in_form=True`` keeps only the fields typed in the application form.
    """
    grouped = []
    for section in SECTIONS:
        fields = [
            item
            for item in CONTENT_FIELDS
            if item.section == section.key
            and (in_form is None or item.in_form == in_form)
        ]
        if fields:
            grouped.append((section, fields))
    return grouped


def scalar_field_names():
    """The names of the fields typed in one input and stored in one column."""
    return tuple(
        item.name for item in CONTENT_FIELDS if item.in_form and item.is_scalar
    )


def list_field_names():
    """The names of the multiple-choice fields typed in the form (stored sorted)."""
    return tuple(
        item.name
        for item in CONTENT_FIELDS
        if item.in_form and item.kind == Kind.MULTIPLE_CHOICE
    )


INDICATOR_COUNT = FIELDS["impact_indicators"].count


# --- Freezing: the content as data ------------------------------------------------


def _team(application):
    members = sorted(application.team.all(), key=lambda m: (m.joined_at, m.pk))
    # Co-applicants before the lead, then by arrival: the order frozen since
    # the first wave, kept so that unchanged content keeps its fingerprint.
    members.sort(key=lambda m: m.role, reverse=True)
    return [
        {
            "name": member.user.full_name,
            "email": member.user.email,
            "role": member.role,
            "job_title": member.job_title,
        }
        for member in members
    ]


def _datasets(application):
    rows = sorted(
        application.requested_datasets.all(),
        key=lambda row: (row.dataset.position, row.dataset.slug),
    )
    return [
        {
            "slug": row.dataset.slug,
            "name": row.dataset.name_fr,
            "purpose": row.purpose,
            "granularity": row.granularity,
        }
        for row in rows
    ]


def _answers(application, questions):
    answers = application.extra_answers or {}
    return [
        {
            "question": question.pk,
            "label": question.label_fr,
            "kind": question.kind,
            "answer": answers.get(str(question.pk)),
        }
        for question in questions
        if question.kind != QuestionKind.FILE
    ]


def _files(application):
    items = sorted(
        application.attachments.all(), key=lambda item: (item.uploaded_at, item.pk)
    )
    return [
        {
            "name": item.original_name,
            "size": item.size,
            "sha256": item.sha256,
            "pitch_deck": item.is_pitch_deck,
            "question": item.question_id,
        }
        for item in items
    ]


def frozen_value(item, application, *, questions=None):
    """Return the value of ``item`` in ``application`` as the content keeps it."""
    kind = item.kind
    if kind == Kind.TEAM:
        return _team(application)
    if kind == Kind.DATASETS:
        return _datasets(application)
    if kind == Kind.FILES:
        return _files(application)
    if kind == Kind.QUESTIONS:
        if questions is None:
            questions = application.call.extra_questions.all()
        return _answers(application, questions)
    value = getattr(application, item.name)
    if kind == Kind.SIRET:
        return normalise_siret(value)
    if kind == Kind.MULTIPLE_CHOICE:
        return sorted(value or [])
    if kind == Kind.INDICATORS:
        return [entry for entry in value or [] if entry]
    return value


def freeze(application, *, questions=None):
    """Return the content of ``application`` as a JSON-ready dict of codes.

    It holds no time and no version, so the same content always gives the same
    fingerprint. ``questions`` (the call's extra questions) spares a query per
    application when many are frozen; related rows are read with ``.all()`` so
    prefetched rows are used.
    """
    content = {"reference": application.reference, "call": application.call.slug}
    for item in CONTENT_FIELDS:
        place = content
        for key in item.path[:-1]:
            place = place.setdefault(key, {})
        place[item.path[-1]] = frozen_value(item, application, questions=questions)
    return content


def content_value(content, item):
    """Return the value of ``item`` in frozen ``content`` (None when absent)."""
    value = content
    for key in item.path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


# --- Completeness -------------------------------------------------------------------


def _blank(value):
    return value in (None, "", [], {}) or (isinstance(value, str) and not value.strip())


def _question_problems(application, questions, attachments):
    problems = []
    answers = application.extra_answers or {}
    for question in questions:
        name = f"extra_{question.pk}"
        value = answers.get(str(question.pk))
        if question.kind == QuestionKind.FILE:
            answered = any(item.question_id == question.pk for item in attachments)
        else:
            answered = value not in (None, "", [])
        if question.required and not answered:
            problems.append(
                (
                    name,
                    _("Answer the question “%(label)s”.") % {"label": question.label},
                )
            )
        if (
            question.max_length
            and isinstance(value, str)
            and len(value) > question.max_length
        ):
            problems.append(
                (
                    name,
                    _(
                        "The answer to “%(label)s” is %(length)s characters long; "
                        "the limit is %(limit)s."
                    )
                    % {
                        "label": question.label,
                        "length": len(value),
                        "limit": question.max_length,
                    },
                )
            )
    return problems


def field_problems(item, application):
    """Return ``[(input name, message), ...]`` of what ``item`` needs to submit."""
    call = application.call
    kind = item.kind
    problems = []

    def require(ok, message, name=item.name):
        if item.required and not ok:
            problems.append((name, message))

    if kind == Kind.DATASETS:
        requested = list(application.requested_datasets.all())
        require(bool(requested), item.missing, name="datasets")
        for row in requested:
            if _blank(row.purpose):
                problems.append(
                    (
                        f"dataset_{row.dataset_id}_purpose",
                        _("Say what you will do with the dataset “%(name)s”.")
                        % {"name": row.dataset.name},
                    )
                )
        return problems
    if kind == Kind.FILES:
        attachments = list(application.attachments.all())
        require(
            any(entry.is_pitch_deck for entry in attachments),
            item.missing,
            name="pitch_deck",
        )
        return problems
    if kind == Kind.QUESTIONS:
        return _question_problems(
            application,
            list(call.extra_questions.all()),
            list(application.attachments.all()),
        )
    if kind == Kind.TEAM or not item.in_form:
        return problems
    value = getattr(application, item.name)
    if kind == Kind.INDICATORS:
        given = [entry for entry in value or [] if entry]
        require(len(given) >= item.minimum, item.missing, name="impact_indicator_1")
        return problems
    if kind == Kind.BOOLEAN:
        ok = bool(value)
        if item.name == "accepts_charter":
            # Accepting an older version of the charter does not count.
            ok = ok and application.charter_version == call.charter.version
        require(ok, item.missing % {"version": call.charter.version})
        return problems
    if kind == Kind.CHOICE:
        allowed = set(item.choices.values)
        if item.call_choices:
            allowed &= set(getattr(call, item.call_choices) or [])
        require(value in allowed, item.missing)
        return problems
    if kind == Kind.MULTIPLE_CHOICE:
        allowed = set(item.choices.values)
        if item.call_choices:
            allowed &= set(getattr(call, item.call_choices) or [])
        require(bool(set(value or []) & allowed), item.missing)
        return problems
    text = (value or "").strip()
    require(text, item.missing)
    if kind == Kind.SIRET and text:
        try:
            validate_siret(text)
        except ValidationError as exc:
            problems.append((item.name, exc.messages[0]))
    elif kind == Kind.URL and text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            problems.append(
                (item.name, _("The website address is not valid (https://...)."))
            )
    if item.too_long and len(value or "") > item.max_length:
        problems.append((item.name, item.too_long % {"length": len(value)}))
    return problems


# --- What a person reads ------------------------------------------------------------


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
        question = questions.get(answer.get("question"))
        label = question.label if question is not None else answer.get("label")
        rows.append((label or EMPTY, readable_answer(answer, question)))
    return rows


def _paris(value):
    if isinstance(value, str):
        value = parse_datetime(value)
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
