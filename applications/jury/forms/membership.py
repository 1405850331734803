"""Forms of the jury's membership pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ...enums import CallPhase, Theme
from ..enums import ConflictStatus


class InviteJurorForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("The organisation the juror represents, if known."),
    )


class DeclarationForm(forms.Form):
    """A juror's declaration of interests for one call.

    ``applications`` are the call's declarable applications. When the call is
    blind, the juror ticks organisation names (one box per name, every
    application of that organisation), never titles.
    """

    organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        required=False,
        help_text=_("The organisation you work for or represent on this jury."),
    )
    conflicts = forms.MultipleChoiceField(
        label=_("Applicants you have an interest with"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick every applicant you work with, advise, fund, compete with or "
            "are close to. You will not see these applications."
        ),
    )
    statement = forms.CharField(
        label=_("Other interests"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything else the organisers should know, in your own words."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes you would rather review"),
        required=False,
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Honoured when the assignment allows it."),
    )

    def __init__(self, *args, applications, blind, **kwargs):
        super().__init__(*args, **kwargs)
        self.blind = blind
        self._by_choice = {}
        choices = []
        for application in applications:
            name = application.organisation_name.strip() or str(_("(no name)"))
            if blind:
                key = name.casefold()
                if key not in self._by_choice:
                    self._by_choice[key] = []
                    choices.append((key, name))
                self._by_choice[key].append(application)
            else:
                key = str(application.pk)
                self._by_choice[key] = [application]
                choices.append((key, f"{name} — {application.title}"))
        self.fields["conflicts"].choices = choices

    def initial_for(self, applications):
        """The boxes to tick for ``applications`` already declared."""
        chosen = {application.pk for application in applications}
        return [
            key
            for key, items in self._by_choice.items()
            if any(item.pk in chosen for item in items)
        ]

    def chosen_applications(self):
        return [
            application
            for key in self.cleaned_data["conflicts"]
            for application in self._by_choice[key]
        ]


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=CallPhase.choices)


class ConflictResolutionForm(forms.Form):
    CONFIRM = "confirm"
    DISMISS = "dismiss"

    action = forms.ChoiceField(
        choices=[(CONFIRM, _("Confirm")), (DISMISS, _("Dismiss"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Required: it is kept in the audit log."),
    )


class ConflictFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(ConflictStatus.choices),
    )
