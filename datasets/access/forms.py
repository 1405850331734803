import datetime

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from datasets.models import Dataset
from datasets.rollups import paris_day, paris_midnight
from portal.accounts.models import User

from .grants import experiment_ends_on, parse_networks


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


def _limit_field(label, highest, help_text):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=1,
        max_value=highest,
        error_messages={
            "invalid": _("Type a whole number of requests."),
            "min_value": _("A limit is at least 1 request."),
            "max_value": _("A limit is at most %(limit_value)s requests."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class GrantTermsForm(forms.Form):
    """The datasets, the end and the limits of a grant;
    ``cleaned_data["expires_at"]`` is the end of the chosen Paris day, never
    beyond the experiment's last day."""

    datasets = DatasetChoiceField(
        label=_("Datasets"),
        queryset=Dataset.objects.order_by("position", "slug"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one dataset.")},
    )
    ends_on = _grant_end_field()
    requests_per_minute = _limit_field(
        _("Requests per minute"),
        100_000,
        _("Per key. Beyond it, the API answers 429 until the next minute."),
    )
    requests_per_day = _limit_field(
        _("Requests per day"),
        100_000_000,
        _("Per key and Paris day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests_per_minute"].initial = 600
        self.fields["requests_per_day"].initial = 100_000
        self.fields["ends_on"].widget.attrs["max"] = experiment_ends_on().isoformat()

    def clean(self):
        cleaned = super().clean()
        per_minute = cleaned.get("requests_per_minute")
        per_day = cleaned.get("requests_per_day")
        if per_minute and per_day and per_day < per_minute:
            self.add_error(
                "requests_per_day",
                _("The daily limit cannot be lower than the per-minute limit."),
            )
        ends_on = cleaned.get("ends_on")
        if ends_on is None:
            return cleaned
        now = timezone.now()
        last_day = experiment_ends_on()
        if ends_on > last_day:
            # Checked first: a date such as 9999-12-31 has no midnight after it.
            self.add_error(
                "ends_on",
                _("The experiment ends on %(date)s: choose that day or an earlier one.")
                % {"date": formats.date_format(last_day)},
            )
            return cleaned
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
    purpose = forms.CharField(
        label=_("Purpose"),
        help_text=_(
            "What the project does with the data, in its own words: shown in "
            "the public register. No personal data."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = [
        "project",
        "holder_email",
        "datasets",
        "ends_on",
        "requests_per_minute",
        "requests_per_day",
        "purpose",
    ]

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


class SuspendGrantForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the suspension"),
        help_text=_("Sent by email to the project's team."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApiKeyForm(forms.Form):
    """A new key's name and options: the datasets it reads (a subset of the
    grant's), an end sooner than the grant's, allowed client address ranges."""

    name = forms.CharField(
        label=_("Key name"),
        help_text=_("Where it is used, for instance “production server”."),
        max_length=80,
        error_messages={
            "required": _("Name the key (where it is used, for instance).")
        },
    )
    datasets = forms.MultipleChoiceField(
        label=_("Datasets it reads"),
        help_text=_("None ticked: every dataset of the access."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("A key reads only datasets of its access."),
        },
    )
    ends_on = forms.DateField(
        label=_("Last day (optional)"),
        help_text=_("Empty: the key ends with the access."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )
    allowed_networks = forms.CharField(
        label=_("Allowed client IP ranges (optional)"),
        help_text=_(
            "One range per line, such as 192.0.2.0/24 or 2001:db8::/32. "
            "Empty: any address."
        ),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, grant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grant = grant
        # The grant's datasets as prefetched: no query per grant on a page.
        self.grant_datasets = (
            sorted(grant.datasets.all(), key=lambda d: (d.position, d.slug))
            if grant is not None
            else []
        )
        self.fields["datasets"].choices = [
            (dataset.slug, f"{dataset.name} ({dataset.slug})")
            for dataset in self.grant_datasets
        ]
        if grant is not None:
            self.fields["ends_on"].widget.attrs["max"] = grant.ends_on.isoformat()

    def clean_datasets(self):
        chosen = set(self.cleaned_data.get("datasets") or ())
        return [dataset for dataset in self.grant_datasets if dataset.slug in chosen]

    def clean_allowed_networks(self):
        try:
            return parse_networks(self.cleaned_data["allowed_networks"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean_ends_on(self):
        ends_on = self.cleaned_data.get("ends_on")
        if ends_on is None:
            return None
        if self.grant is not None and ends_on >= self.grant.ends_on:
            raise forms.ValidationError(
                _("Choose a day before %(date)s, the end of the access.")
                % {"date": formats.date_format(self.grant.ends_on)}
            )
        if ends_on < paris_day(timezone.now()):
            raise forms.ValidationError(_("The end of the key must be in the future."))
        return ends_on

    @property
    def expires_at(self):
        ends_on = self.cleaned_data.get("ends_on")
        if ends_on is None:
            return None
        return paris_midnight(ends_on + datetime.timedelta(days=1))


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
