"""Forms of the DemoDay: the event, its sessions, the running order, the jury,
the vote and the results. Minimal on purpose: wcore's workshop form may
replace the session form at merge."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.models import Call, Project

from ..models import DemoDay, Room, Workshop
from ..services.demoday import SEED_MAX_LENGTH
from ..services.demoday_results import NOT_APPLICABLE

EARLIEST = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _check_range(value):
    if value is not None and not EARLIEST <= value < LATEST:
        raise ValidationError(_("Give a date between 2020 and 2099."))
    return value


class DateRangeMixin:
    """Dates far in the past or future are refused with a clear message."""

    date_fields = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.date_fields:
            try:
                _check_range(cleaned.get(name))
            except ValidationError as exc:
                self.add_error(name, exc)
                cleaned.pop(name, None)
        return cleaned


class DemoDayForm(DateRangeMixin, forms.ModelForm):
    date_fields = ("voting_opens_at", "voting_closes_at")

    class Meta:
        model = DemoDay
        fields = [
            "slug",
            "title",
            "title_en",
            "description",
            "description_en",
            "voting_opens_at",
            "voting_closes_at",
        ]
        widgets = {
            "voting_opens_at": LocalDateTimeInput(),
            "voting_closes_at": LocalDateTimeInput(),
        }

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["call"] = forms.ModelChoiceField(
                label=_("Wave"), queryset=Call.objects.order_by("-id")
            )
            self.order_fields(["call"])

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("voting_opens_at"), cleaned.get("voting_closes_at")
        if (opens is None) != (closes is None) and not self.errors:
            raise ValidationError(_("Give both ends of the voting window, or neither."))
        if opens and closes and closes <= opens:
            self.add_error("voting_closes_at", _("The vote must close after it opens."))
        return cleaned


class SessionForm(DateRangeMixin, forms.ModelForm):
    """A DemoDay session: a ``Workshop`` of kind DemoDay session."""

    date_fields = (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
    )
    published = forms.BooleanField(
        label=_("Publish the session on the agenda"), required=False
    )

    class Meta:
        model = Workshop
        fields = [
            "slug",
            "title",
            "title_en",
            "room",
            "starts_at",
            "ends_at",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
        ]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "registration_opens_at": LocalDateTimeInput(),
            "registration_closes_at": LocalDateTimeInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.order_by("name", "id")

    def _get_validation_exclusions(self):
        # The view sets kind, DemoDay and state on the instance: the room's
        # exclusion constraint (whose condition reads the state) is then
        # checked here and its message shown on the form.
        return super()._get_validation_exclusions() - {"state", "kind", "demoday"}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        opens = cleaned.get("registration_opens_at")
        closes = cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at",
                _("Registration must close after it opens."),
            )
        room, capacity = cleaned.get("room"), cleaned.get("capacity")
        if room and capacity and capacity > room.capacity:
            self.add_error(
                "capacity",
                _("The room holds %(count)s people at most.")
                % {"count": room.capacity},
            )
        return cleaned


class PlanForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects that pitch"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pitch_minutes = forms.IntegerField(
        label=_("Pitch length (minutes)"), min_value=1, max_value=60
    )
    questions_minutes = forms.IntegerField(
        label=_("Questions (minutes)"), min_value=0, max_value=60
    )
    break_every = forms.IntegerField(
        label=_("A break after every N pitches (0: no break)"),
        min_value=0,
        max_value=100,
    )
    break_minutes = forms.IntegerField(
        label=_("Break length (minutes)"), min_value=0, max_value=120
    )
    group_by_theme = forms.BooleanField(
        label=_("Group the pitches by theme"), required=False
    )

    def __init__(self, *args, demoday, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = Project.objects.for_call(
            demoday.call
        ).order_by("name", "id")


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed (leave empty for a random one)"),
        max_length=SEED_MAX_LENGTH,
        required=False,
        strip=True,
    )


class JurorForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the juror's account"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError(_("No account has this address."))
        self.user = user
        return email


class PitchScoreForm(forms.Form):
    """One field per criterion: a score from 0 to its highest, "not
    applicable", or nothing yet."""

    def __init__(self, *args, criteria, initial_scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            choices = [("", _("Not scored"))]
            choices += [(str(v), str(v)) for v in range(criterion.scale_max + 1)]
            choices.append((NOT_APPLICABLE, _("Not applicable")))
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=criterion.label,
                help_text=_("Weight %(weight)s") % {"weight": criterion.weight},
                choices=choices,
                required=False,
                initial=initial_scores.get(criterion.pk, ""),
            )

    def scores(self):
        result = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"c{criterion.pk}") or None
            if value is not None and value != NOT_APPLICABLE:
                value = int(value)
            result[criterion.pk] = value
        return result


class VoteForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Your favourite project"),
        queryset=Project.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ResultForm(forms.Form):
    prize = forms.CharField(label=_("Prize (French)"), max_length=200, required=False)
    prize_en = forms.CharField(
        label=_("Prize (English)"), max_length=200, required=False
    )
    rank = forms.IntegerField(
        label=_("Rank"), min_value=1, max_value=999, required=False
    )
    continues = forms.BooleanField(label=_("Continues the experiment"), required=False)
