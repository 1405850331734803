"""Forms of the organiser back office: calls, grid, questions, decisions, emails."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from datasets.models import Dataset

from .enums import ApplicantType, ApplicationState, QuestionKind, Theme
from .models import Call, DataCharter, EmailTemplate, ExtraQuestion
from .services.emails import PLACEHOLDER_TOKEN

# The default evaluation grid of context.md (weights assumed, configurable).
DEFAULT_GRID = [
    {
        "key": "usefulness",
        "label_fr": "Utilité pour les habitants et le quartier",
        "label_en": "Usefulness to residents and the neighbourhood",
        "weight": 20,
    },
    {
        "key": "innovation",
        "label_fr": "Innovation (technique, sociale, modèle économique ou démarche)",
        "label_en": "Innovation (technical, social, business model or process)",
        "weight": 15,
    },
    {
        "key": "data_use",
        "label_fr": "Usage pertinent des données OpenBatignolles (et minimisation)",
        "label_en": "Relevant use of the OpenBatignolles data (and data minimisation)",
        "weight": 15,
    },
    {
        "key": "responsibility",
        "label_fr": "Responsabilité : vie privée, éthique, sobriété, inclusion",
        "label_en": "Responsibility: privacy, ethics, digital sobriety, inclusion",
        "weight": 15,
    },
    {
        "key": "collaboration",
        "label_fr": "Collaboration et implication citoyenne",
        "label_en": "Collaboration and citizen involvement",
        "weight": 10,
    },
    {
        "key": "impact",
        "label_fr": "Impact attendu et mesurable (social, écologique, économique)",
        "label_en": "Expected, measurable impact (social, ecological, economic)",
        "weight": 10,
    },
    {
        "key": "feasibility",
        "label_fr": "Faisabilité d'ici le DemoDay, capacité de l'équipe",
        "label_en": "Feasibility by the DemoDay, team capacity",
        "weight": 10,
    },
    {
        "key": "sustainability",
        "label_fr": "Pérennité et reproductibilité",
        "label_en": "Sustainability and replicability",
        "weight": 5,
    },
]

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Paths of the back office that a call's identifier must not shadow.
RESERVED_SLUGS = {"nouvel-appel", "modeles-de-courriel"}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# The dates a call may take: year 1 or 9999 would overflow later arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE_FIELDS = (
    "opens_at",
    "closes_at",
    "review_starts_on",
    "review_ends_on",
    "results_on",
)


class CallForm(forms.ModelForm):
    """A call's text, audience, datasets and dates (entered in Paris time)."""

    eligible_types = forms.MultipleChoiceField(
        label=_("Eligible applicant types"),
        choices=ApplicantType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    datasets = forms.ModelMultipleChoiceField(
        label=_("Datasets offered"),
        queryset=Dataset.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at (Paris time)"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=DateTimeLocalInput(),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (Paris time)"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=DateTimeLocalInput(),
        help_text=_("A submission arriving one second later is refused."),
    )

    class Meta:
        model = Call
        fields = [
            "slug",
            "title_fr",
            "title_en",
            "summary_fr",
            "summary_en",
            "text_fr",
            "text_en",
            "faq_fr",
            "faq_en",
            "eligible_types",
            "themes",
            "datasets",
            "opens_at",
            "closes_at",
            "review_starts_on",
            "review_ends_on",
            "results_on",
            "charter",
            "max_attachment_mb",
            "max_total_attachments_mb",
            "blind_review",
            "retention_days",
        ]
        widgets = {
            "review_starts_on": DateInput(),
            "review_ends_on": DateInput(),
            "results_on": DateInput(),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datasets"].label_from_instance = lambda d: d.name
        self.fields["charter"].queryset = DataCharter.objects.all()
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Used in the addresses. Left empty, it is made from the French title."
        )
        # Left empty: the default retention of the privacy notice.
        self.fields["retention_days"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(
            self.cleaned_data.get("title_fr") or self.data.get("title_fr", "")
        )
        slug = slug[:80]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This identifier is reserved; choose another."))
        if not slug:
            raise ValidationError(_("Give an identifier or a French title."))
        clash = Call.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another call already uses this identifier."))
        return slug

    def clean(self):
        data = super().clean()
        for name in DATE_FIELDS:
            value = data.get(name)
            if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
                # Year 1 or 9999 would overflow the time-zone arithmetic later.
                self.add_error(
                    name,
                    _("Choose a date between the years %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and opens_at >= closes_at:
            self.add_error("closes_at", _("The call must close after it opens."))
        starts, ends = data.get("review_starts_on"), data.get("review_ends_on")
        if starts and ends and starts > ends:
            self.add_error("review_ends_on", _("The review must end after it starts."))
        results = data.get("results_on")
        if results and closes_at and results < closes_at.date():
            self.add_error("results_on", _("The results come after the call closes."))
        return data

    def clean_retention_days(self):
        value = self.cleaned_data.get("retention_days")
        if value is None:
            return Call._meta.get_field("retention_days").default
        return value

    def call_fields(self):
        """The model fields to save, without the many-to-many datasets."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "datasets"
        }


class GridRowForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=40)
    label_fr = forms.CharField(label=_("Criterion (French)"), max_length=200)
    label_en = forms.CharField(
        label=_("Criterion (English)"), max_length=200, required=False
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=100)


class BaseGridFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        keys = set()
        total = 0
        for form in self.forms:
            if not form.cleaned_data.get("key") or self._should_delete_form(form):
                continue
            key = form.cleaned_data["key"]
            if key in keys:
                raise ValidationError(
                    _("Two criteria use the key %(key)s."), params={"key": key}
                )
            keys.add(key)
            total += form.cleaned_data["weight"]
        if not keys:
            raise ValidationError(_("The grid needs at least one criterion."))
        if total <= 0:
            raise ValidationError(_("The weights must add up to more than zero."))

    def grid(self):
        """The grid as stored on the call: a list of criteria dicts."""
        return [
            {
                "key": form.cleaned_data["key"],
                "label_fr": form.cleaned_data["label_fr"],
                "label_en": form.cleaned_data.get("label_en", ""),
                "weight": form.cleaned_data["weight"],
            }
            for form in self.forms
            if form.cleaned_data.get("key") and not self._should_delete_form(form)
        ]


GridFormSet = forms.formset_factory(
    GridRowForm, formset=BaseGridFormSet, extra=2, can_delete=True
)

CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}


QUESTION_FIELDS = [
    "position",
    "kind",
    "label_fr",
    "label_en",
    "help_fr",
    "help_en",
    "max_length",
    "required",
]


class ExtraQuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One choice per line: value | French label | English label. "
            "For single and multiple choice questions only."
        ),
    )

    class Meta:
        model = ExtraQuestion
        fields = [
            "position",
            "kind",
            "label_fr",
            "label_en",
            "help_fr",
            "help_en",
            "choices_text",
            "max_length",
            "required",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.choices:
            self.initial["choices_text"] = "\n".join(
                " | ".join(
                    [c.get("value", ""), c.get("label_fr", ""), c.get("label_en", "")]
                )
                for c in self.instance.choices
            )

    def clean(self):
        data = super().clean()
        choices = []
        for line in (data.get("choices_text") or "").splitlines():
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                continue
            value = slugify(parts[0]) or parts[0]
            label_fr = parts[1] if len(parts) > 1 and parts[1] else parts[0]
            label_en = parts[2] if len(parts) > 2 else ""
            choices.append({"value": value, "label_fr": label_fr, "label_en": label_en})
        kind = data.get("kind")
        if kind in CHOICE_KINDS and len(choices) < 2:
            self.add_error(
                "choices_text", _("A choice question needs at least two choices.")
            )
        if kind not in CHOICE_KINDS:
            choices = []
        if data.get("max_length") and kind not in (
            QuestionKind.SHORT_TEXT,
            QuestionKind.LONG_TEXT,
        ):
            data["max_length"] = None
        data["choices"] = choices
        return data

    def question_fields(self):
        fields = {name: self.cleaned_data.get(name) for name in QUESTION_FIELDS}
        fields["choices"] = self.cleaned_data.get("choices", [])
        return fields


ExtraQuestionFormSet = forms.inlineformset_factory(
    Call,
    ExtraQuestion,
    form=ExtraQuestionForm,
    extra=1,
    can_delete=True,
)


class AdmissibilityForm(forms.Form):
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ADMISSIBLE, _("Admissible")),
            (INADMISSIBLE, _("Inadmissible")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the team)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the application is inadmissible."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == self.INADMISSIBLE
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why the application is inadmissible."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ApplicationState.RETAINED, ApplicationState.RETAINED.label),
            (ApplicationState.WAITING_LIST, ApplicationState.WAITING_LIST.label),
            (ApplicationState.NOT_RETAINED, ApplicationState.NOT_RETAINED.label),
        ],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Written feedback to the team"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


PLACEHOLDERS = ("reference", "title", "call", "organisation", "name", "link")


def check_placeholders(text):
    """Raise ValidationError when ``text`` uses an unknown or broken placeholder.

    The syntax is ``{name}`` with a name of ``PLACEHOLDERS``; ``{{`` and ``}}``
    write a brace (``services.emails.fill_placeholders`` fills them).
    """
    for match in PLACEHOLDER_TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise ValidationError(
                _("A brace is not closed: write placeholders like {reference}.")
            )
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            raise ValidationError(
                _("Unknown placeholder {%(name)s}."), params={"name": name[:40]}
            )


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["name", "slug", "subject_fr", "subject_en", "body_fr", "body_en"]
        widgets = {
            "body_fr": forms.Textarea(attrs={"rows": 10}),
            "body_en": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        help_text = _("Placeholders: %(names)s.") % {
            "names": ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        }
        for name in ("subject_fr", "subject_en", "body_fr", "body_en"):
            self.fields[name].help_text = help_text

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("name", ""))
        if not slug:
            raise ValidationError(_("Give a name."))
        clash = EmailTemplate.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another template already uses this identifier."))
        return slug[:80]

    def clean(self):
        data = super().clean()
        for name in ("subject_fr", "subject_en", "body_fr", "body_en"):
            if data.get(name):
                try:
                    check_placeholders(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class TeamEmailForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Email template"), queryset=EmailTemplate.objects.all()
    )
