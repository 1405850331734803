"""Forms of the day and after: check-in search, minutes, materials,
follow-up actions, the feedback survey, certificate verification."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Project

from ..enums import ActionStatus, Visibility
from ..models import FeedbackResponse
from ..selectors.after import action_owner_candidates

# A due date this far from today is a typing mistake.
DUE_DATE_RANGE_YEARS = 10


class CheckInSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or email"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "autofocus": True}
        ),
    )


class MinutesForm(forms.Form):
    body = forms.CharField(
        label=_("Minutes (Markdown)"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Markdown: # headings, **bold**, lists, [links](https://…). "
            "HTML is removed when shown."
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Published to"),
        choices=Visibility.choices,
        initial=Visibility.PARTICIPANTS,
        widget=forms.RadioSelect,
    )
    publish = forms.BooleanField(
        label=_("Publish the minutes"),
        required=False,
        help_text=_("Unticked, the minutes stay a draft only you can read."),
    )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    visibility = forms.ChoiceField(
        label=_("Published to"),
        choices=Visibility.choices,
        initial=Visibility.PARTICIPANTS,
        widget=forms.RadioSelect,
    )


class FollowUpActionForm(forms.Form):
    """A follow-up action; its owner is a person of the portal: a member of
    the Project's team, an organiser, or a facilitator of the workshop."""

    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        help_text=_(
            "A member of the project's team, an organiser or a facilitator of "
            "the workshop. Only their name is shown on the project's public page."
        ),
    )
    due_on = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN
    )

    def __init__(self, *args, workshop, legacy_owner="", **kwargs):
        super().__init__(*args, **kwargs)
        projects = list(Project.objects.active().order_by("name", "pk"))
        self.fields["project"].queryset = Project.objects.active().order_by(
            "name", "pk"
        )
        self.teams, staff = action_owner_candidates(workshop)
        self.people = {
            user.pk: user for users in [*self.teams.values(), staff] for user in users
        }
        self.staff_ids = {user.pk for user in staff}
        choices = [("", "—")]
        for project in projects:
            members = self.teams.get(project.pk, [])
            if members:
                choices.append(
                    (
                        _("Team of %(project)s") % {"project": project.name},
                        [(user.pk, _person_label(user)) for user in members],
                    )
                )
        if staff:
            choices.append(
                (
                    _("Organisers and facilitators"),
                    [(user.pk, _person_label(user)) for user in staff],
                )
            )
        self.fields["owner"].choices = choices
        if legacy_owner:
            self.fields["owner"].help_text = _(
                "Written before owners were chosen from the portal's people: "
                "“%(name)s”. Choose the person."
            ) % {"name": legacy_owner}

    def clean(self):
        data = super().clean()
        project, owner_id = data.get("project"), data.get("owner")
        if project is None or owner_id is None:
            return data
        team = {user.pk for user in self.teams.get(project.pk, [])}
        if owner_id not in team and owner_id not in self.staff_ids:
            self.add_error(
                "owner",
                _(
                    "Choose a member of this project's team, an organiser or "
                    "a facilitator of the workshop."
                ),
            )
        else:
            data["owner"] = self.people[owner_id]
        return data

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        today = timezone.localdate()
        limit = datetime.timedelta(days=365 * DUE_DATE_RANGE_YEARS)
        if not today - limit <= due_on <= today + limit:
            raise forms.ValidationError(
                _("Choose a due date within %(years)s years of today."),
                code="out_of_range",
                params={"years": DUE_DATE_RANGE_YEARS},
            )
        return due_on


def _person_label(user):
    # Organisers and facilitators see the address to tell namesakes apart.
    if user.full_name:
        return f"{user.full_name} ({user.email})"
    return user.email


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Overall, how was this workshop? (1: poor, 5: excellent)"),
        choices=[(value, str(value)) for value in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = FeedbackResponse
        fields = ["rating", "useful", "improve"]
        labels = {
            "useful": _("What was useful to you?"),
            "improve": _("What should we improve?"),
        }
        widgets = {
            "useful": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "improve": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }


class CertificateCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 10 characters printed on the certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
