from django import forms
from django.utils.translation import gettext_lazy as _

from .geo import kind_choices


class FeedbackForm(forms.Form):
    """A resident's question or remark. ``website`` is a trap for robots:
    hidden from people, it must stay empty."""

    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("Only to answer you; never published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Your question or remark"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self):
        return bool(self.cleaned_data.get("website"))


class MapFilterForm(forms.Form):
    """The sensor types shown on the map and in the list under it (GET).

    With JavaScript the map filters as boxes are ticked; without it the form
    is sent and the list comes back filtered.
    """

    type = forms.MultipleChoiceField(
        label=_("Sensor types shown"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = kind_choices()

    def kinds(self):
        """The ticked types; every type when none is ticked or the form is invalid."""
        if self.is_bound and self.is_valid() and self.cleaned_data["type"]:
            return self.cleaned_data["type"]
        return [value for value, _label in kind_choices()]
