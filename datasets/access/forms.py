import datetime

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from datasets.models import Dataset
from datasets.rollups import paris_day, paris_midnight
from portal.accounts.models import User


class DatasetChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.slug})"


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.application.call.slug})"


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
    """An organiser grants 15-minute data to a Project, held by a member of
    its team."""

    project = ProjectChoiceField(
        label=_("Project"),
        queryset=None,
        empty_label=_("Choose a project"),
        error_messages={
            "required": _("Choose the project."),
            "invalid_choice": _("Choose a project that is in the programme."),
        },
    )
    holder_email = forms.EmailField(
        label=_("Holder's email"),
        help_text=_(
            "A member of the project's team, with an active portal account: "
            "they create and manage the API keys."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["project", "holder_email", "datasets", "ends_on"]

    def __init__(self, *args, **kwargs):
        from applications.models import Project

        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.active().select_related(
            "application__call"
        )

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

    def clean(self):
        cleaned = super().clean()
        project = cleaned.get("project")
        holder = getattr(self, "holder", None)
        if (
            project is not None
            and holder is not None
            and "holder_email" in cleaned
            and not project.application.team.filter(user=holder).exists()
        ):
            self.add_error(
                "holder_email",
                _("%(email)s is not a member of this project's team.")
                % {"email": cleaned["holder_email"]},
            )
        return cleaned


class RevokeGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Shown to the holder and sent by email to the project's team."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Key name"),
        help_text=_("Where it is used, for instance “production server”."),
        max_length=80,
    )


def _overlap_choices():
    from .rotation import OVERLAP_CHOICES_HOURS

    labels = {
        0: _("None: the old key stops at once"),
        1: _("1 hour"),
        24: _("24 hours"),
        72: _("3 days"),
        168: _("7 days"),
    }
    return [(str(hours), labels[hours]) for hours in OVERLAP_CHOICES_HOURS]


class KeyRotationForm(forms.Form):
    """How long the old key keeps working next to the new one."""

    overlap_hours = forms.TypedChoiceField(
        label=_("The old key keeps working for"),
        choices=_overlap_choices,
        coerce=int,
        initial="24",
        required=False,
        empty_value=24,  # a form posted without the choice: the default
        help_text=_("Time to deploy the new key everywhere; 7 days at most."),
    )

    def overlap(self):
        return datetime.timedelta(hours=self.cleaned_data["overlap_hours"])


class LeakReportForm(forms.Form):
    """Anyone may paste a key found where it should not be."""

    keys = forms.CharField(
        label=_("The leaked key (or keys)"),
        help_text=_(
            "Paste the key as you found it, starting with obk_. Several keys, "
            "one per line."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    where = forms.CharField(
        label=_("Where you found it (optional)"),
        help_text=_("An address, for instance a public repository."),
        max_length=500,
        required=False,
    )

    def clean_keys(self):
        from .leaks import tokens_in

        text = self.cleaned_data["keys"]
        if not tokens_in(text):
            raise forms.ValidationError(
                _(
                    "No OpenBatignolles API key in this text: keys read "
                    "obk_<id>_<secret>."
                )
            )
        return text
