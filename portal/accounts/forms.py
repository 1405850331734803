from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Language


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Preferred language for emails"), choices=Language.choices
    )


class EraseAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type your email address to confirm"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip().lower()
        if value != self.user.email.lower():
            raise forms.ValidationError(
                _("This is not the email address of your account.")
            )
        return value


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up asks besides the address and password: the name
    that teams, receipts and certificates show (not the address's first part)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As your team and the organisers will see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
