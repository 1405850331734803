from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Call
from portal.accounts.models import User


class _WaveField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def _wave_field(*, required):
    return _WaveField(
        label=_("Wave"),
        queryset=Call.objects.order_by("-opens_at", "-id"),
        to_field_name="slug",
        required=required,
        empty_label=_("Every wave"),
        error_messages={"invalid_choice": _("Choose a wave from the list.")},
    )


def _year_field(years, *, required, empty_label=None):
    choices = [(year, str(year)) for year in years]
    if empty_label:
        choices = [("", empty_label), *choices]
    return forms.TypedChoiceField(
        label=_("Year"),
        choices=choices,
        coerce=int,
        required=required,
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )


class DashboardFilterForm(forms.Form):
    """Narrow the figures to a wave and/or a year (GET parameters)."""

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"] = _wave_field(required=False)
        self.fields["year"] = _year_field(
            years, required=False, empty_label=_("The last twelve months")
        )


class ReportRequestForm(forms.Form):
    """Ask the worker for the annual report of a year."""

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field(years, required=True)
        self.fields["wave"] = _wave_field(required=False)


class PartnerGrantForm(forms.Form):
    """Give a person with an account the partners' read-only view."""

    email = forms.EmailField(
        label=_("Email address of their account"),
        max_length=254,
        help_text=_("The person must already have an account on the portal."),
    )
    organisation = forms.CharField(
        label=_("Partner organisation"),
        max_length=200,
        help_text=_("For example: Ville de Paris, CCI Paris Île-de-France, Cielis."),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active account uses this address. Ask them to sign up first.")
            )
        self.user = user
        return email
