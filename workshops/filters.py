"""FilterSets of the workshops' public pages."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import Theme
from applications.models import Call
from datasets.models import Dataset

from .models import Room


class ProjectFilter(django_filters.FilterSet):
    """The public list of Projects: by wave, theme and dataset used."""

    wave = django_filters.ModelChoiceFilter(
        label=_("Wave"),
        queryset=Call.objects.none(),
        to_field_name="slug",
        field_name="application__call",
        empty_label=_("All"),
    )
    theme = django_filters.ChoiceFilter(
        label=_("Theme"),
        choices=Theme.choices,
        method="filter_theme",
        empty_label=_("All"),
    )
    dataset = django_filters.ModelChoiceFilter(
        label=_("Dataset"),
        queryset=Dataset.objects.none(),
        to_field_name="slug",
        method="filter_dataset",
        empty_label=_("All"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        waves = Call.objects.filter(is_published=True).order_by("opens_at", "id")
        self.filters["wave"].queryset = waves
        self.form.fields["wave"].queryset = waves
        self.form.fields["wave"].label_from_instance = lambda call: call.title
        datasets = Dataset.objects.order_by("name_fr", "id")
        self.filters["dataset"].queryset = datasets
        self.form.fields["dataset"].queryset = datasets
        self.form.fields["dataset"].label_from_instance = lambda d: d.name

    def filter_theme(self, queryset, name, value):
        return queryset.filter(application__themes__contains=[value])

    def filter_dataset(self, queryset, name, value):
        # The datasets a Project uses: those of its grants (not revoked), or
        # those its application asked for.
        used = Q(data_grants__datasets=value, data_grants__revoked_at__isnull=True)
        asked = Q(application__requested_datasets__dataset=value)
        return queryset.filter(used | asked).distinct()


class Period:
    UPCOMING = "upcoming"
    PAST = "past"
    ALL = "all"
    CHOICES = [
        (UPCOMING, _("Upcoming")),
        (PAST, _("Past")),
        (ALL, _("All")),
    ]


class AgendaFilter(django_filters.FilterSet):
    """The back-office agenda and figures: by wave, room and period."""

    wave = django_filters.ModelChoiceFilter(
        label=_("Wave"),
        queryset=Call.objects.none(),
        to_field_name="slug",
        field_name="call",
        empty_label=_("All"),
    )
    room = django_filters.ModelChoiceFilter(
        label=_("Room"),
        queryset=Room.objects.none(),
        field_name="room",
        empty_label=_("All"),
    )
    period = django_filters.ChoiceFilter(
        label=_("Period"),
        choices=Period.CHOICES,
        method="filter_period",
        empty_label=None,
    )

    def __init__(self, data=None, *args, now=None, default_period=Period.ALL, **kw):
        if data is not None and not data.get("period"):
            data = data.copy()
            data["period"] = default_period
        super().__init__(data, *args, **kw)
        self.now = now or timezone.now()
        waves = Call.objects.order_by("opens_at", "id")
        self.filters["wave"].queryset = waves
        self.form.fields["wave"].queryset = waves
        self.form.fields["wave"].label_from_instance = lambda call: call.title
        rooms = Room.objects.order_by("name", "id")
        self.filters["room"].queryset = rooms
        self.form.fields["room"].queryset = rooms

    def filter_period(self, queryset, name, value):
        if value == Period.UPCOMING:
            return queryset.filter(ends_at__gt=self.now)
        if value == Period.PAST:
            return queryset.filter(ends_at__lte=self.now)
        return queryset
