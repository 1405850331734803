"""FilterSets of the workshops' public pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.enums import Theme
from applications.models import Call
from datasets.models import Dataset


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
