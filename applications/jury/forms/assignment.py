"""Forms of the organisers' assignment page: add or remove a juror by hand."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ...models import Application
from ..models import Assignment, JuryMembership
from ..selectors.assignment import assignable_applications_for_call


class JurorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.organisation:
            return f"{obj.user.display_name} ({obj.organisation})"
        return obj.user.display_name


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} · {obj.title}" if obj.title else obj.reference


class AddAssignmentForm(forms.Form):
    """Assign a declared juror of the call to one of its admissible applications."""

    membership = JurorChoiceField(
        label=_("Juror"),
        queryset=JuryMembership.objects.none(),
        empty_label=_("Choose a juror"),
        error_messages={"invalid_choice": _("Choose a juror of this call.")},
    )
    application = ApplicationChoiceField(
        label=_("Application"),
        queryset=Application.objects.none(),
        empty_label=_("Choose an application"),
        error_messages={
            "invalid_choice": _("Choose an admissible application of this call.")
        },
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            JuryMembership.objects.filter(call=call, declared_at__isnull=False)
            .select_related("user")
            .order_by("user__full_name", "user__email", "pk")
        )
        self.fields["application"].queryset = assignable_applications_for_call(call)


class RemoveAssignmentForm(forms.Form):
    """Take a juror off an application of the call."""

    assignment = forms.ModelChoiceField(
        queryset=Assignment.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This assignment no longer exists.")},
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = Assignment.objects.filter(
            membership__call=call
        ).select_related("membership__user", "membership__call", "application")
