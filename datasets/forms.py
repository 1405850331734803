import datetime

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User

from .models import Dataset
from .rollups import paris_day, paris_midnight


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


# --- Data access: grants and API keys ---------------------------------------


class DatasetChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.slug})"


def _grant_end_field():
    return forms.DateField(
        label=_("End of the access"),
        help_text=_("The access and its keys stop at the end of this day (Paris)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class GrantTermsForm(forms.Form):
    """The datasets and the end of a grant; ``cleaned_data["expires_at"]`` is
    the end of the chosen Paris day."""

    datasets = DatasetChoiceField(
        label=_("Datasets"),
        queryset=Dataset.objects.order_by("position", "slug"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one dataset.")},
    )
    ends_on = _grant_end_field()

    def clean(self):
        cleaned = super().clean()
        ends_on = cleaned.get("ends_on")
        if ends_on is None:
            return cleaned
        now = timezone.now()
        expires_at = paris_midnight(ends_on + datetime.timedelta(days=1))
        longest = settings.API_GRANT_MAX_DAYS
        latest = paris_day(now + datetime.timedelta(days=longest)) - datetime.timedelta(
            days=1
        )
        if expires_at <= now:
            self.add_error("ends_on", _("The end of the access must be in the future."))
        elif ends_on > latest:
            self.add_error(
                "ends_on",
                _(
                    "An access runs for %(days)s days at most: choose "
                    "%(date)s or earlier."
                )
                % {"days": longest, "date": formats.date_format(latest)},
            )
        else:
            cleaned["expires_at"] = expires_at
        return cleaned


class GrantForm(GrantTermsForm):
    """An organiser grants 15-minute data to a project holder."""

    holder_email = forms.EmailField(
        label=_("Holder's email"),
        help_text=_("The email of an existing, active portal account."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    project = forms.CharField(label=_("Project"), max_length=200)
    field_order = ["holder_email", "project", "datasets", "ends_on"]

    def clean_holder_email(self):
        email = self.cleaned_data["holder_email"].strip()
        holder = User.objects.filter(email__iexact=email, is_active=True).first()
        if holder is None:
            raise forms.ValidationError(
                _(
                    "No active account uses %(email)s: the holder must create "
                    "an account first."
                ),
                params={"email": email},
            )
        self.holder = holder
        return email


class RevokeGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Shown to the holder and sent by email."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Key name"),
        help_text=_("Where it is used, for instance “production server”."),
        max_length=80,
    )
