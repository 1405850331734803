"""django-filter FilterSet of the organisers' list of emails."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .enums import EmailKind, EmailState
from .models import OutgoingEmail


class OutgoingEmailFilter(django_filters.FilterSet):
    """Emails by state and kind, and a search on the recipient's address."""

    state = django_filters.ChoiceFilter(
        choices=EmailState.choices, label=_("State"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        choices=EmailKind.choices, label=_("Kind of email"), empty_label=_("All")
    )
    q = django_filters.CharFilter(
        field_name="to", lookup_expr="icontains", label=_("Recipient")
    )

    class Meta:
        model = OutgoingEmail
        fields = ["state", "kind", "q"]
