"""Back-office forms: a workshop, a room, a bulk invitation of Projects."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.backoffice_forms import DateTimeLocalInput
from applications.enums import Theme
from applications.models import Call
from portal.accounts.models import User

from ..enums import Audience, WorkshopFormat, WorkshopState
from ..models import Room, Workshop

OFFSET_RE = re.compile(r"^(\d{1,6})\s*([jdhm]?)$", re.IGNORECASE)
UNIT_MINUTES = {"j": 1440, "d": 1440, "h": 60, "m": 1, "": 1}
MAX_OFFSET = 60 * 24 * 60
# Paths of the agenda that a workshop's address must not shadow.
RESERVED_SLUGS = {"mes-ateliers", "invitations", "calendrier", "calendrier.ics"}


def format_offsets(offsets):
    parts = []
    for offset in offsets or ():
        if offset and offset % 1440 == 0:
            parts.append(f"{offset // 1440}j")
        elif offset and offset % 60 == 0:
            parts.append(f"{offset // 60}h")
        else:
            parts.append(f"{offset}m")
    return ", ".join(parts)


class WorkshopForm(forms.ModelForm):
    """A workshop's text, place, times (Paris time), seats and reminders."""

    facilitators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Facilitators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The organisers who lead the workshop."),
    )
    online_url = forms.URLField(
        label=gettext_lazy("online link"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    reminders = forms.CharField(
        label=gettext_lazy("Reminders before the start"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Separated by commas, in days (j), hours (h) or minutes (m): "
            "“7j, 1j, 2h”. Leave empty for no reminder."
        ),
    )

    class Meta:
        model = Workshop
        fields = [
            "title",
            "title_en",
            "slug",
            "description",
            "description_en",
            "theme",
            "call",
            "format",
            "room",
            "online_url",
            "starts_at",
            "ends_at",
            "capacity",
            "audience",
            "project_seats",
            "resident_seats",
            "registration_opens_at",
            "registration_closes_at",
        ]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "registration_opens_at": DateTimeLocalInput(),
            "registration_closes_at": DateTimeLocalInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = (
            (
                User.objects.filter(organiser_role__isnull=False, is_active=True)
                | User.objects.filter(facilitated_workshops=self.instance.pk or 0)
            )
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["facilitators"].label_from_instance = lambda u: u.display_name
        self.fields["call"].queryset = Call.objects.order_by("-opens_at", "id")
        self.fields["room"].help_text = _(
            "Required in person or hybrid, unless "
            "another address is given in the description."
        )
        if self.instance.pk:
            self.fields["facilitators"].initial = list(
                self.instance.facilitator_bookings.values_list(
                    "facilitator_id", flat=True
                )
            )
            self.fields["reminders"].initial = format_offsets(
                self.instance.reminder_offsets
            )
        else:
            self.fields["reminders"].initial = format_offsets(
                Workshop._meta.get_field("reminder_offsets").get_default()
            )

    def _get_validation_exclusions(self):
        # The room's exclusion constraint is checked by the service, whose
        # refusal lands on the room field (with everything entered kept).
        exclude = super()._get_validation_exclusions()
        exclude.add("room")
        return exclude

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is reserved; choose another one."))
        return slug

    def clean_reminders(self):
        text = self.cleaned_data.get("reminders") or ""
        offsets = []
        for part in [p.strip() for p in text.split(",") if p.strip()]:
            match = OFFSET_RE.match(part)
            if not match:
                raise ValidationError(
                    _("“%(part)s” is not a delay: write for example 7j, 1j or 2h.")
                    % {"part": part[:20]}
                )
            minutes = int(match.group(1)) * UNIT_MINUTES[match.group(2).lower()]
            if minutes < 1 or minutes > MAX_OFFSET:
                raise ValidationError(
                    _(
                        "A reminder is sent between 1 "
                        "minute and 60 days before the start."
                    )
                )
            offsets.append(minutes)
        if len(offsets) > 10:
            raise ValidationError(_("At most 10 reminders."))
        return sorted(set(offsets), reverse=True)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        capacity = data.get("capacity")
        reserved = (data.get("project_seats") or 0) + (data.get("resident_seats") or 0)
        if capacity is not None and reserved > capacity:
            self.add_error(
                "project_seats",
                _(
                    "The reserved seats (%(reserved)s) "
                    "exceed the capacity (%(capacity)s)."
                )
                % {"reserved": reserved, "capacity": capacity},
            )
        audience = data.get("audience")
        if audience == Audience.PROJECTS and data.get("resident_seats"):
            self.add_error(
                "resident_seats",
                _("A workshop for project teams only has no seats for residents."),
            )
        if audience == Audience.RESIDENTS and data.get("project_seats"):
            self.add_error(
                "project_seats",
                _("A workshop for residents only has no seats for project teams."),
            )
        opens, closes = (
            data.get("registration_opens_at"),
            data.get("registration_closes_at"),
        )
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at",
                _("Registration must close after it opens."),
            )
        if closes and starts and closes > starts:
            self.add_error(
                "registration_closes_at",
                _("Registration must close no later than the start."),
            )
        fmt = data.get("format")
        if fmt in (WorkshopFormat.ONLINE, WorkshopFormat.HYBRID) and not data.get(
            "online_url"
        ):
            self.add_error(
                "online_url", _("An online or hybrid workshop needs its online link.")
            )
        if fmt in (WorkshopFormat.IN_PERSON, WorkshopFormat.HYBRID) and not data.get(
            "room"
        ):
            self.add_error("room", _("A workshop in person needs a room."))
        room = data.get("room")
        if (
            room
            and capacity
            and capacity > room.capacity
            and fmt == WorkshopFormat.IN_PERSON
        ):
            self.add_error(
                "capacity",
                _("The room “%(room)s” seats %(seats)s people at most.")
                % {"room": room.name, "seats": room.capacity},
            )
        return data

    def save(self, commit=False):
        workshop = super().save(commit=False)
        workshop.reminder_offsets = self.cleaned_data.get("reminders") or []
        return workshop


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "address", "capacity", "accessibility"]
        help_texts = {
            "accessibility": gettext_lazy(
                "Step-free access, lift, hearing loop, accessible toilets: what "
                "a participant needs to know before coming."
            ),
        }

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk is None:
            return capacity
        # A smaller room must still hold the workshops booked in it.
        largest = (
            Workshop.objects.filter(room=self.instance, ends_at__gt=timezone.now())
            .exclude(state=WorkshopState.CANCELLED)
            .filter(capacity__gt=capacity)
            .order_by("-capacity", "starts_at")
            .first()
        )
        if largest is not None:
            raise ValidationError(
                _(
                    "“%(workshop)s” is booked in this room for %(seats)s people: "
                    "lower that workshop's capacity first."
                )
                % {"workshop": largest.title, "seats": largest.capacity}
            )
        return capacity


class InviteProjectsForm(forms.Form):
    call = forms.ModelChoiceField(
        label=gettext_lazy("Wave"),
        queryset=Call.objects.none(),
        required=False,
    )
    theme = forms.ChoiceField(
        label=gettext_lazy("Theme"),
        choices=[("", "—"), *Theme.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = Call.objects.order_by("-opens_at", "id")

    def clean(self):
        data = super().clean()
        if not data.get("call") and not data.get("theme"):
            raise ValidationError(_("Choose a wave, a theme, or both."))
        return data
