"""django-filter FilterSets of the catalogue lists (pages and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .enums import SensorKind, SensorStatus
from .models import Sensor


class SensorFilter(django_filters.FilterSet):
    dataset = django_filters.CharFilter(
        field_name="datasets__slug",
        label=_("Dataset identifier (slug)"),
    )
    street = django_filters.CharFilter(
        field_name="street__slug", label=_("Street identifier (slug)")
    )
    kind = django_filters.ChoiceFilter(choices=SensorKind.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(
        choices=SensorStatus.choices, label=_("Status")
    )

    class Meta:
        model = Sensor
        fields = ["dataset", "street", "kind", "status"]
