"""Forms of the applicant side: the eligibility screen and the application.

The application form is built from the registry of the application's fields
(``applications.fields``), for its call (applicant types and themes it
accepts, datasets offered, extra questions). Every field is optional while
drafting: completeness is checked at submission, field by field, from the same
registry.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import fields as registry
from .enums import ApplicantType, Granularity, QuestionKind
from .services.drafts import read_draft_value
from .validators import normalise_siret, validate_siret

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class EligibilityForm(forms.Form):
    applicant_type = forms.ChoiceField(
        label=_("You apply as"),
        choices=[("", "---------"), *ApplicantType.choices],
    )
    uses_dataset = forms.TypedChoiceField(
        label=_("Will your project use at least one of the datasets offered?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    in_perimeter = forms.TypedChoiceField(
        label=_("Does your project serve the Batignolles neighbourhood?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class DraftTextarea(forms.Textarea):
    def __init__(self, rows=5, maxlength=None):
        attrs = {"rows": rows}
        if maxlength:
            attrs["maxlength"] = maxlength
        super().__init__(attrs=attrs)


class SiretField(forms.CharField):
    def to_python(self, value):
        return normalise_siret(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        validate_siret(value)


class ApplicationForm(forms.Form):
    """The whole application of ``application``'s call, grouped in sections."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    draft_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, application, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        call = application.call
        self.call = call
        self.datasets = list(call.datasets.order_by("position", "slug"))
        self.questions = list(call.extra_questions.all())
        self.sections = []
        for section, fields in registry.sections(in_form=True):
            built = {}
            for item in fields:
                built.update(self._inputs(item))
            # The datasets section stays even when the call offers none: the
            # page anchors its completeness message there.
            if built or section.key == "datasets":
                self._section(section.key, section.title, **built)
        self.initial.update(self.stored_values())

    @staticmethod
    def _text(label, *, rows=6, maxlength=None, help_text=""):
        return forms.CharField(
            label=label,
            widget=DraftTextarea(rows=rows, maxlength=maxlength),
            help_text=help_text,
        )

    def _call_choices(self, item):
        allowed = getattr(self.call, item.call_choices) if item.call_choices else None
        return [
            (value, label)
            for value, label in item.choices.choices
            if allowed is None or value in (allowed or [])
        ]

    def _inputs(self, item):
        """Return ``{input name: form field}`` for the registry field ``item``."""
        Kind = registry.Kind
        label = item.form_label or item.label
        kind = item.kind
        if kind == Kind.TEXT:
            return {
                item.name: forms.CharField(
                    label=label, max_length=item.max_length, help_text=item.help_text
                )
            }
        if kind == Kind.LONG_TEXT:
            return {
                item.name: self._text(
                    label,
                    rows=item.rows,
                    maxlength=item.max_length,
                    help_text=item.help_text,
                )
            }
        if kind == Kind.SIRET:
            return {
                item.name: SiretField(
                    label=label, max_length=item.max_length, help_text=item.help_text
                )
            }
        if kind == Kind.URL:
            return {
                item.name: forms.URLField(
                    label=label, max_length=item.max_length, assume_scheme="https"
                )
            }
        if kind == Kind.CHOICE:
            if item.radio:
                return {
                    item.name: forms.ChoiceField(
                        label=label,
                        choices=self._call_choices(item),
                        widget=forms.RadioSelect,
                    )
                }
            return {
                item.name: forms.ChoiceField(
                    label=label, choices=[("", "---------")] + self._call_choices(item)
                )
            }
        if kind == Kind.MULTIPLE_CHOICE:
            return {
                item.name: forms.MultipleChoiceField(
                    label=label,
                    choices=self._call_choices(item),
                    widget=forms.CheckboxSelectMultiple,
                )
            }
        if kind == Kind.BOOLEAN:
            return {
                item.name: forms.BooleanField(
                    label=label % {"version": self.call.charter.version}
                )
            }
        if kind == Kind.INDICATORS:
            return {
                f"impact_indicator_{index}": forms.CharField(
                    label=label % {"number": index},
                    max_length=item.max_length,
                    help_text=item.help_text if index == 1 else "",
                )
                for index in range(1, item.count + 1)
            }
        if kind == Kind.DATASETS:
            inputs = {}
            for dataset in self.datasets:
                name = {"name": dataset.name}
                inputs[f"dataset_{dataset.pk}"] = forms.BooleanField(
                    label=_("I need the dataset “%(name)s”") % name
                )
                inputs[f"dataset_{dataset.pk}_purpose"] = self._text(
                    _("What you will do with “%(name)s”") % name, rows=3
                )
                inputs[f"dataset_{dataset.pk}_granularity"] = forms.ChoiceField(
                    label=_("Finest granularity you need for “%(name)s”") % name,
                    choices=Granularity.choices,
                )
            return inputs
        if kind == Kind.QUESTIONS:
            inputs = {}
            for question in self.questions:
                built = self._question_field(question)
                if built is not None:
                    inputs[f"extra_{question.pk}"] = built
            return inputs
        raise ValueError(f"No input for a field of kind {kind}")

    def _section(self, key, heading, /, **fields):
        for name, field in fields.items():
            field.required = False
            # The page carries each value as loaded, so a plain POST sends only
            # what this person changed (and cannot undo a teammate's edit).
            field.show_hidden_initial = True
            self.fields[name] = field
        self.sections.append({"key": key, "title": heading, "names": list(fields)})

    def _question_field(self, question):
        label = question.label
        common = {"label": label, "help_text": question.help}
        kind = question.kind
        if kind == QuestionKind.SHORT_TEXT:
            return forms.CharField(max_length=question.max_length or 300, **common)
        if kind == QuestionKind.LONG_TEXT:
            return forms.CharField(
                widget=DraftTextarea(maxlength=question.max_length), **common
            )
        choices = [
            (
                str(choice.get("value")),
                choice.get(f"label_{self._language()}") or choice.get("label_fr"),
            )
            for choice in question.choices or []
        ]
        if kind == QuestionKind.SINGLE_CHOICE:
            return forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect, **common
            )
        if kind == QuestionKind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == QuestionKind.NUMBER:
            return forms.DecimalField(max_digits=14, decimal_places=4, **common)
        if kind == QuestionKind.YES_NO:
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        return None  # File questions are answered with attachments.

    @staticmethod
    def _language():
        from django.utils.translation import get_language

        return (get_language() or "fr")[:2]

    # --- Values ---------------------------------------------------------------

    @property
    def draft_names(self):
        return [name for section in self.sections for name in section["names"]]

    def stored_values(self):
        """The stored value of every draft field, as the form shows it."""
        rows = {
            row.dataset_id: row for row in self.application.requested_datasets.all()
        }
        values = {}
        for name in self.draft_names:
            value = read_draft_value(self.application, name, rows=rows)
            if value is None:
                value = ""
            values[name] = value
        return values

    def clean_draft(self, raw):
        """Clean the draft values in ``raw`` (a dict keyed by field name).

        Return ``(values, errors)``: values ready for ``save_draft`` and, for
        each refused field, its first error message. Unknown keys are ignored.
        """
        values, errors = {}, {}
        for name, value in raw.items():
            field = self.fields.get(name)
            if field is None or name not in self.draft_names:
                continue
            if isinstance(field, forms.MultipleChoiceField):
                if value is None:
                    value = []
                elif isinstance(value, str):
                    value = [value]
                elif not isinstance(value, list) or not all(
                    isinstance(item, (str, int)) for item in value
                ):
                    # ``"themes": 5`` or a list of objects: not a list of choices.
                    errors[name] = str(field.error_messages["invalid_list"])
                    continue
                value = [str(item) for item in value]
            elif isinstance(field, forms.BooleanField):
                value = value in (True, "true", "on", "1", 1)
            elif value is None:
                value = ""
            elif isinstance(value, (dict, list)):
                errors[name] = str(_("Enter a valid value."))
                continue
            elif not isinstance(value, str):
                value = str(value)
            try:
                cleaned = field.clean(value)
            except ValidationError as exc:
                errors[name] = exc.messages[0]
                continue
            values[name] = self._storable(name, field, cleaned)
        return values, errors

    def posted_raw(self):
        """The draft fields a plain form POST changed, as ``clean_draft`` takes them.

        A field is changed when its value differs from the value the page was
        loaded with (its hidden initial input).
        """
        raw = {}
        changed = set(self.changed_data)
        for name in self.draft_names:
            if name not in changed:
                continue
            field = self.fields[name]
            raw[name] = field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix(name)
            )
        return raw

    def refreshed_data(self, keep):
        """The POSTed data refreshed from the stored application.

        Fields in ``keep`` (what this person changed) keep their posted text;
        every other field shows the stored value, and every hidden initial is
        the stored value, so saving the page again sends only ``keep``.
        """
        data = self.data.copy()
        stored = self.stored_values()
        for name in self.draft_names:
            field, value = self.fields[name], stored[name]
            keys = [(self.add_initial_prefix(name), True)]
            if name not in keep:
                keys.append((self.add_prefix(name), False))
            for key, is_initial in keys:
                if isinstance(field, forms.MultipleChoiceField):
                    data.setlist(key, [str(item) for item in value or []])
                elif isinstance(field, forms.BooleanField):
                    if is_initial:
                        data[key] = "True" if value else "False"
                    elif value:
                        data[key] = "on"
                    else:
                        data.pop(key, None)
                else:
                    data[key] = "" if value is None else str(value)
        return data

    @staticmethod
    def _storable(name, field, value):
        if name.startswith("extra_"):
            if isinstance(field, forms.DecimalField):
                if value is None:
                    return None
                return (
                    int(value) if value == value.to_integral_value() else float(value)
                )
            return value
        if isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            if name.endswith("_granularity") and not value:
                return Granularity.HOUR
            return value or ""
        return value


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the co-applicant"))


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )
    kind = forms.ChoiceField(
        label=_("This document is"),
        choices=[
            ("pitch_deck", _("the pitch deck")),
            ("other", _("another document")),
        ],
        initial="other",
        widget=forms.RadioSelect,
    )
    question = forms.IntegerField(required=False, widget=forms.HiddenInput)
