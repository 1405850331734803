"""The deliberation's forms: a decision on one application, the release."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ...enums import ApplicationState

S = ApplicationState


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (S.RETAINED.value, S.RETAINED.label),
            (S.WAITING_LIST.value, S.WAITING_LIST.label),
            (S.NOT_RETAINED.value, S.NOT_RETAINED.label),
        ],
        widget=forms.RadioSelect,
    )
    motivation = forms.CharField(
        label=_("Motivation (internal, never sent to the team)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    feedback = forms.CharField(
        label=_("Feedback to the team (sent with the decision)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReleaseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have read the decisions and their emails: release them to the teams"
        ),
    )
