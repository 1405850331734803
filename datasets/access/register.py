"""The public register of data uses (/donnees/registre/, /api/v1/register/).

Every grant, active or past, made to a Project: the Project (linked to its
public page), the datasets (linked to their pages and DTPR sheets) and the
finest step granted, the purpose in the Project's own words, start and end,
and the requests made per month. No personal data: no holder, no granter,
no email, no key, no reason of a revocation (it may name people).
"""

import datetime

from django.db.models import Prefetch, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from datasets.api.views import PortalAPIView, _cacheable
from datasets.models import Dataset

from .models import ApiKeyUsage, DataGrant

# The finest step a grant opens (the public API gives hours and days).
FINEST_STEP = "15min"
FINEST_STEP_LABEL = _("15 minutes")


class RegisterState:
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"
    REVOKED = "revoked"

    LABELS = {
        ACTIVE: _("In progress"),
        SUSPENDED: _("Suspended"),
        ENDED: _("Ended"),
        REVOKED: _("Withdrawn"),
    }


def _project_url(project):
    """The Project's public page, once the public Project pages exist."""
    if project is None:
        return ""
    try:
        return reverse("projects:detail", kwargs={"slug": project.slug})
    except NoReverseMatch:
        return ""


def register_entries(*, now=None):
    """The register: one entry per grant (newest first) as plain dicts, with
    no personal data. Three queries whatever the number of grants."""
    now = now or timezone.now()
    grants = list(
        DataGrant.objects.select_related("project")
        .prefetch_related(
            Prefetch("datasets", queryset=Dataset.objects.order_by("position", "slug"))
        )
        .order_by("-created_at", "-id")
    )
    monthly = {}
    for grant_id, month, requests in (
        ApiKeyUsage.objects.filter(key__grant__in=[grant.pk for grant in grants])
        .annotate(month=TruncMonth("day"))
        .values_list("key__grant_id", "month")
        .annotate(requests=Sum("requests"))
        .order_by("key__grant_id", "month")
    ):
        monthly.setdefault(grant_id, []).append((month, requests))
    entries = []
    for grant in grants:
        if grant.revoked_at is not None:
            state = RegisterState.REVOKED
            last_day = timezone.localtime(grant.revoked_at).date()
            last_day = min(last_day, grant.ends_on)
        elif grant.expires_at <= now:
            state, last_day = RegisterState.ENDED, grant.ends_on
        elif grant.suspended_at is not None:
            state, last_day = RegisterState.SUSPENDED, grant.ends_on
        else:
            state, last_day = RegisterState.ACTIVE, grant.ends_on
        entries.append(
            {
                "id": grant.pk,
                "project": {
                    "name": grant.project_name,
                    "slug": grant.project.slug if grant.project_id else "",
                    "url": _project_url(grant.project),
                },
                "datasets": [
                    {
                        "slug": dataset.slug,
                        "name": dataset.name,
                        "url": reverse(
                            "datasets:dataset_detail", kwargs={"slug": dataset.slug}
                        ),
                    }
                    for dataset in grant.datasets.all()
                ],
                "finest_step": FINEST_STEP,
                "purpose": grant.purpose,
                "starts_on": timezone.localtime(grant.created_at).date(),
                "ends_on": last_day,
                "state": state,
                "usage": [
                    {"month": month.strftime("%Y-%m"), "requests": requests}
                    for month, requests in monthly.get(grant.pk, [])
                ],
            }
        )
    return entries


@require_GET
def register_page(request):
    entries = register_entries()
    for entry in entries:
        entry["state_label"] = RegisterState.LABELS[entry["state"]]
        entry["total"] = sum(row["requests"] for row in entry["usage"])
        for row in entry["usage"]:
            year, month = (int(part) for part in row["month"].split("-"))
            row["label"] = formats.date_format(
                datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"
            )
    # Not publicly cacheable: the page's header names the signed-in user.
    return render(
        request,
        "access/register.html",
        {"entries": entries, "finest_step": FINEST_STEP_LABEL},
    )


# --- API --------------------------------------------------------------------


class RegisterProjectSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField(help_text="Empty for a grant made before Projects.")
    url = serializers.CharField(help_text="The Project's public page (a path).")


class RegisterDatasetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(help_text="The dataset's page, with its DTPR sheet.")


class RegisterUsageSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM (Paris).")
    requests = serializers.IntegerField()


class RegisterEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = RegisterProjectSerializer()
    datasets = RegisterDatasetSerializer(many=True)
    finest_step = serializers.ChoiceField(choices=[FINEST_STEP])
    purpose = serializers.CharField(help_text="In the Project's own words.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(
        help_text="The last day of access (Paris); the day of withdrawal if sooner."
    )
    state = serializers.ChoiceField(choices=list(RegisterState.LABELS))
    usage = RegisterUsageSerializer(many=True)


class RegisterSerializer(serializers.Serializer):
    results = RegisterEntrySerializer(many=True)


@extend_schema(
    tags=["register"],
    summary="The public register of data uses",
    description=(
        "Every active and past grant of 15-minute data to a Project: the "
        "Project, the datasets, the finest step, the purpose, the dates and the "
        "requests per month. No personal data."
    ),
    responses={200: RegisterSerializer},
)
class RegisterView(PortalAPIView):
    def get(self, request):
        data = RegisterSerializer({"results": register_entries()}).data
        return _cacheable(Response(data))
