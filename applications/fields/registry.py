"""The declarations: sections, fields (name, label, kind, rule), lookups."""

import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from ..enums import ApplicantType, ApplicationState, Maturity, Theme

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
    # Ticked for an older version of the call's charter does not count.
    current_charter: bool = False

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
        current_charter=True,
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
