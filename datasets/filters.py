"""django-filter FilterSets of the catalogue lists (pages and API)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import SensorKind, SensorStatus
from .models import DataGrant, Sensor


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


class DataGrantFilter(django_filters.FilterSet):
    """The back-office list of data access grants: by state, and a search on
    the project or the holder's email."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    STATES = [
        (ACTIVE, _("Active")),
        (EXPIRED, _("Expired")),
        (REVOKED, _("Revoked")),
    ]

    state = django_filters.ChoiceFilter(
        choices=STATES, method="filter_state", label=_("State"), empty_label=_("All")
    )
    q = django_filters.CharFilter(
        method="filter_search", label=_("Project or holder email")
    )

    class Meta:
        model = DataGrant
        fields = ["state", "q"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        if value == self.ACTIVE:
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if value == self.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if value == self.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(project__icontains=value) | Q(holder__email__icontains=value)
        )
