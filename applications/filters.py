"""FilterSets for the organiser back office."""

import django_filters
from django import forms
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from datasets.models import Dataset

from .enums import ApplicantType, ApplicationState, Theme
from .models import TeamMember

S = ApplicationState
# States reached once the admissibility was decided one way or the other.
ADMISSIBLE_STATES = [
    S.ADMISSIBLE,
    S.UNDER_REVIEW,
    S.RETAINED,
    S.WAITING_LIST,
    S.NOT_RETAINED,
]


class Admissibility:
    PENDING = "pending"
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    CHOICES = [
        (PENDING, _("To be checked")),
        (ADMISSIBLE, _("Admissible")),
        (INADMISSIBLE, _("Inadmissible")),
    ]


class ApplicationFilter(django_filters.FilterSet):
    """The organisers' filters over the applications of one call.

    Pass ``call=`` so the dataset choices are those the call offers.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Title, organisation, reference, person"),
            }
        ),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ApplicationState.choices, empty_label=_("All")
    )
    theme = django_filters.ChoiceFilter(
        label=_("Theme"),
        choices=Theme.choices,
        method="filter_theme",
        empty_label=_("All"),
    )
    applicant_type = django_filters.ChoiceFilter(
        label=_("Applicant type"), choices=ApplicantType.choices, empty_label=_("All")
    )
    dataset = django_filters.ModelChoiceFilter(
        label=_("Requested dataset"),
        queryset=Dataset.objects.none(),
        to_field_name="slug",
        method="filter_dataset",
        empty_label=_("All"),
    )
    admissibility = django_filters.ChoiceFilter(
        label=_("Admissibility"),
        choices=Admissibility.CHOICES,
        method="filter_admissibility",
        empty_label=_("All"),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("organisation_name", "organisation"),
            ("applicant_type", "type"),
            ("state", "state"),
            ("submitted_at", "submitted"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "reference": _("Reference"),
            "title": _("Title"),
            "organisation_name": _("Organisation"),
            "applicant_type": _("Applicant type"),
            "state": _("State"),
            "submitted_at": _("Submitted at"),
            "updated_at": _("Last saved at"),
        },
    )

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        datasets = Dataset.objects.all()
        if call is not None:
            datasets = datasets.filter(calls=call)
        self.filters["dataset"].queryset = datasets
        self.form.fields["dataset"].queryset = datasets
        self.form.fields["dataset"].label_from_instance = lambda d: d.name

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A person: any team member's name or address (a subquery, so that
        # an application with two matching members is listed once).
        people = TeamMember.objects.filter(
            Q(user__full_name__icontains=value) | Q(user__email__icontains=value)
        ).values("application_id")
        return queryset.filter(
            Q(title__icontains=value)
            | Q(organisation_name__icontains=value)
            | Q(reference__icontains=value)
            | Q(pk__in=people)
        )

    def filter_theme(self, queryset, name, value):
        # Theme values are fixed identifiers: matching the quoted value in the
        # JSON text finds them.
        return queryset.annotate(themes_text=Cast("themes", TextField())).filter(
            themes_text__contains=f'"{value}"'
        )

    def filter_dataset(self, queryset, name, value):
        return queryset.filter(requested_datasets__dataset=value)

    def filter_admissibility(self, queryset, name, value):
        if value == Admissibility.PENDING:
            return queryset.filter(state=S.SUBMITTED)
        if value == Admissibility.ADMISSIBLE:
            return queryset.filter(state__in=ADMISSIBLE_STATES)
        if value == Admissibility.INADMISSIBLE:
            return queryset.filter(state=S.INADMISSIBLE)
        return queryset
