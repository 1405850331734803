"""Forms of the scoring area: the grid's criteria (organisers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.backoffice_forms import BaseGridFormSet

# Bounds that keep a grid readable and its arithmetic sane; anything beyond is
# refused with a message, never stored.
MAX_CRITERIA = 30
MAX_WEIGHT = 1000
MAX_SCALE = 20


class CriterionForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        help_text=_("Letters, digits and hyphens; used in exports."),
    )
    label_fr = forms.CharField(label=_("Criterion (French)"), max_length=200)
    label_en = forms.CharField(
        label=_("Criterion (English)"), max_length=200, required=False
    )
    description_fr = forms.CharField(
        label=_("Description (French)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=MAX_WEIGHT)
    scale_max = forms.IntegerField(
        label=_("Highest score"),
        min_value=1,
        max_value=MAX_SCALE,
        initial=5,
        help_text=_("Jurors score from 0 to this value."),
    )
    levels_text = forms.CharField(
        label=_("Labelled levels"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One level per line: score | French label | English label "
            "(for example “0 | Absent | Missing”)."
        ),
    )

    def clean(self):
        data = super().clean()
        scale_max = data.get("scale_max")
        levels = []
        seen = set()
        for line in (data.get("levels_text") or "").splitlines():
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                continue
            try:
                value = int(parts[0])
            except ValueError:
                self.add_error(
                    "levels_text",
                    _("“%(line)s” does not start with a score.") % {"line": line[:50]},
                )
                continue
            if scale_max is not None and not 0 <= value <= scale_max:
                self.add_error(
                    "levels_text",
                    _("The level %(value)s is outside 0 to %(max)s.")
                    % {"value": value, "max": scale_max},
                )
                continue
            if value in seen:
                self.add_error(
                    "levels_text",
                    _("The level %(value)s is given twice.") % {"value": value},
                )
                continue
            seen.add(value)
            levels.append(
                {
                    "value": value,
                    "label_fr": parts[1][:200] if len(parts) > 1 else "",
                    "label_en": parts[2][:200] if len(parts) > 2 else "",
                }
            )
        data["levels"] = sorted(levels, key=lambda level: level["value"])
        return data

    def criterion(self):
        data = self.cleaned_data
        return {
            "key": data["key"],
            "label_fr": data["label_fr"],
            "label_en": data.get("label_en", ""),
            "description_fr": data.get("description_fr", ""),
            "description_en": data.get("description_en", ""),
            "weight": data["weight"],
            "scale_max": data["scale_max"],
            "levels": data.get("levels", []),
        }


def levels_text(levels):
    """The levels as the organiser types them, one per line."""
    return "\n".join(
        " | ".join(
            [
                str(level.get("value", "")),
                level.get("label_fr", ""),
                level.get("label_en", ""),
            ]
        ).rstrip(" |")
        for level in levels or []
        if isinstance(level, dict)
    )


class BaseCriterionFormSet(BaseGridFormSet):
    """The call form's checks (unique keys, weights above zero), read as criteria."""

    def criteria(self):
        return [
            form.criterion()
            for form in self.forms
            if form.cleaned_data.get("key") and not self._should_delete_form(form)
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_CRITERIA,
    validate_max=True,
    absolute_max=MAX_CRITERIA,
)


def initial_for(grid):
    """The formset's initial rows for ``grid``."""
    return [
        {
            "key": c.key,
            "label_fr": c.label_fr,
            "label_en": c.label_en,
            "description_fr": c.description_fr,
            "description_en": c.description_en,
            "weight": c.weight,
            "scale_max": c.scale_max,
            "levels_text": levels_text(c.levels),
        }
        for c in grid.criteria.all()
    ]
