"""The organisers' back office of the data (under /gestion/donnees/).

``BackOfficeMFAMiddleware`` already turned away users without a back-office
role and required two-factor authentication; each view here also requires the
organiser role (a jury member gets 403).
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from portal.accounts.permissions import organiser_required

from . import metering, selectors, services
from .enums import FeedbackStatus, IngestionStatus
from .forms import GrantForm, GrantTermsForm, RevokeGrantForm
from .ingestion import REJECTION_REASONS
from .models import Feedback, IngestionRun
from .rollups import paris_day

PAGE_SIZE = 25
CHART_RUNS = 30
RUN_LIST_FIELDS = (
    "id",
    "source",
    "status",
    "started_at",
    "finished_at",
    "received",
    "accepted",
    "duplicates",
    "rejected",
    "detail",
)


def _runs_chart(runs):
    runs = list(reversed(runs))
    return {
        "type": "bar",
        "data": {
            "labels": [f"#{run.pk}" for run in runs],
            "datasets": [
                {
                    "label": _("Accepted"),
                    "data": [run.accepted for run in runs],
                    "backgroundColor": "#1e7b4f",
                },
                {
                    "label": _("Already stored"),
                    "data": [run.duplicates for run in runs],
                    "backgroundColor": "#5b5b5b",
                },
                {
                    "label": _("Rejected"),
                    "data": [run.rejected for run in runs],
                    "backgroundColor": "#c0392b",
                },
            ],
        },
        "options": {
            "scales": {
                "x": {"stacked": True},
                "y": {"stacked": True, "type": "logarithmic"},
            }
        },
    }


@require_GET
@organiser_required
def run_list(request):
    runs = IngestionRun.objects.only(*RUN_LIST_FIELDS)
    status = request.GET.get("status", "")
    if status in IngestionStatus.values:
        runs = runs.filter(status=status)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = list(IngestionRun.objects.only(*RUN_LIST_FIELDS)[:CHART_RUNS])
    return render(
        request,
        "datasets/backoffice/run_list.html",
        {
            "page": page,
            "status": status,
            "statuses": IngestionStatus.choices,
            "chart": _runs_chart(recent),
            "chart_runs": recent,
        },
    )


@require_GET
@organiser_required
def run_detail(request, pk):
    run = get_object_or_404(IngestionRun, pk=pk)
    reasons = [
        {"code": code, "label": REJECTION_REASONS.get(code, code), "count": count}
        for code, count in sorted(
            run.rejected_by_reason.items(), key=lambda item: (-item[1], item[0])
        )
    ]
    samples = [
        {**sample, "label": REJECTION_REASONS.get(sample.get("reason"), "")}
        for sample in run.sample_errors
    ]
    return render(
        request,
        "datasets/backoffice/run_detail.html",
        {"run": run, "reasons": reasons, "samples": samples},
    )


@require_GET
@organiser_required
def feedback_list(request):
    rows = Feedback.objects.select_related("sensor", "dataset").order_by(
        "-created_at", "-id"
    )
    status = request.GET.get("status", "")
    if status in FeedbackStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "datasets/backoffice/feedback_list.html",
        {
            "page": page,
            "status": status,
            "statuses": FeedbackStatus.choices,
        },
    )


@require_POST
@organiser_required
def feedback_status(request, pk):
    feedback = get_object_or_404(Feedback, pk=pk)
    try:
        services.set_feedback_status(
            feedback, request.POST.get("status", ""), actor=request.user
        )
    except (ValidationError, ValueError):
        messages.error(request, _("This status change is not allowed."))
    else:
        messages.success(request, _("Feedback status updated."))
    return redirect("datasets_bo:feedback_list")


# --- Data access: grants and API keys ---------------------------------------


def _state_query(params):
    """The list's filters, urlencoded, for the pagination links."""
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()


@require_GET
@organiser_required
def grant_list(request):
    grants = selectors.grants_for_backoffice(request.GET)
    page = Paginator(grants.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "datasets/backoffice/grant_list.html",
        {
            "filter": grants,
            "page": page,
            "query": _state_query(request.GET),
            "now": timezone.now(),
            "usage": metering.usage_of_all_grants(),
        },
    )


def _prefill_from_application(pk):
    """Initial values of the grant form from a retained application: its
    lead, title and requested datasets. ``None`` for any other application."""
    from applications.enums import ApplicationState, TeamRole
    from applications.models import Application

    application = (
        Application.objects.filter(pk=pk, state=ApplicationState.RETAINED)
        .prefetch_related("requested_datasets")
        .first()
    )
    if application is None:
        return None
    lead = application.team.filter(role=TeamRole.LEAD).select_related("user").first()
    return {
        "holder_email": lead.user.email if lead else "",
        "project": application.title,
        "datasets": [item.dataset_id for item in application.requested_datasets.all()],
    }


def _default_end():
    return paris_day(timezone.now()) + datetime.timedelta(days=365)


@require_http_methods(["GET", "POST"])
@organiser_required
def grant_create(request):
    application = None
    if request.method == "POST":
        form = GrantForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                grant = services.grant_data_access(
                    form.holder,
                    project=data["project"],
                    datasets=data["datasets"],
                    expires_at=data["expires_at"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Access granted; %(email)s is told by email.")
                    % {"email": form.holder.email},
                )
                return redirect("datasets_bo:grant_detail", pk=grant.pk)
    else:
        initial = {"ends_on": _default_end()}
        if request.GET.get("application", "").isdigit():
            application = _prefill_from_application(int(request.GET["application"]))
            if application is None:
                messages.error(
                    request, _("Only a retained application can prefill the form.")
                )
            else:
                initial.update(application)
        form = GrantForm(initial=initial)
    return render(
        request,
        "datasets/backoffice/grant_form.html",
        {"form": form, "max_days": settings.API_GRANT_MAX_DAYS},
    )


def _grant_context(grant, *, change_form=None, revoke_form=None):
    now = timezone.now()
    key_rows = list(grant.keys.all())
    for key in key_rows:
        key.state = selectors.access_state(key, now)
    return {
        "grant": grant,
        "grant_state": selectors.access_state(grant, now),
        "is_active": grant.is_active(now),
        "key_rows": key_rows,
        "usage": metering.usage_of_grant(grant),
        "change_form": change_form
        or GrantTermsForm(
            initial={
                "datasets": [dataset.pk for dataset in grant.datasets.all()],
                "ends_on": paris_day(grant.expires_at - datetime.timedelta(seconds=1)),
            }
        ),
        "revoke_form": revoke_form or RevokeGrantForm(),
        "events": selectors.events_of_grant(grant),
    }


@require_GET
@organiser_required
def grant_detail(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    return render(
        request, "datasets/backoffice/grant_detail.html", _grant_context(grant)
    )


@require_POST
@organiser_required
def grant_change(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    form = GrantTermsForm(request.POST)
    if form.is_valid():
        try:
            services.change_data_grant(
                grant,
                datasets=form.cleaned_data["datasets"],
                expires_at=form.cleaned_data["expires_at"],
                actor=request.user,
            )
        except ValidationError as error:
            # A revoked grant has no change form to show the error on.
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The access was changed; its keys follow."))
        return redirect("datasets_bo:grant_detail", pk=grant.pk)
    return render(
        request,
        "datasets/backoffice/grant_detail.html",
        _grant_context(grant, change_form=form),
        status=400,
    )


@require_POST
@organiser_required
def grant_revoke(request, pk):
    grant = selectors.grant_for_backoffice(pk)
    form = RevokeGrantForm(request.POST)
    if form.is_valid():
        services.revoke_data_grant(
            grant, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(
            request, _("The access and its keys are revoked; the holder is told.")
        )
        return redirect("datasets_bo:grant_detail", pk=grant.pk)
    return render(
        request,
        "datasets/backoffice/grant_detail.html",
        _grant_context(grant, revoke_form=form),
        status=400,
    )
