"""django-filter FilterSet of the back-office list of grants."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import AccessState
from .models import DataGrant


class DataGrantFilter(django_filters.FilterSet):
    """The back-office list of data access grants: by state, and a search on
    the project or the holder's email."""

    # A grant is never "rotated" (only a key is).
    STATES = [
        (v, label) for v, label in AccessState.choices if v != AccessState.ROTATED
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
        if value == AccessState.ACTIVE:
            return queryset.active(now=now)
        if value == AccessState.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if value == AccessState.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if value == AccessState.SUSPENDED:
            return queryset.active(now=now).filter(suspended_at__isnull=False)
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(project__name__icontains=value)
            | Q(legacy_project__icontains=value)
            | Q(holder__email__icontains=value)
        )
