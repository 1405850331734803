"""The organisers' back office of the data (under /gestion/donnees/).

``BackOfficeMFAMiddleware`` already turned away users without a back-office
role and required two-factor authentication; each view here also requires the
organiser role (a jury member gets 403).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_POST,
)

from portal.accounts.permissions import organiser_required
from portal.charts import chart, dataset

from . import services
from .enums import FeedbackStatus, IngestionStatus
from .ingestion import REJECTION_REASONS
from .ingestion.words import detail_in_words, error_in_words, source_in_words
from .models import Feedback, IngestionRun

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
    return chart(
        "bar",
        [f"#{run.pk}" for run in runs],
        [
            dataset(_("Accepted"), [run.accepted for run in runs], color="#1e7b4f"),
            dataset(
                _("Already stored"), [run.duplicates for run in runs], color="#5b5b5b"
            ),
            dataset(_("Rejected"), [run.rejected for run in runs], color="#c0392b"),
        ],
        stacked=True,
        logarithmic=True,
    )


@require_GET
@organiser_required
def run_list(request):
    runs = IngestionRun.objects.only(*RUN_LIST_FIELDS)
    status = request.GET.get("status", "")
    if status in IngestionStatus.values:
        runs = runs.filter(status=status)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for run in page.object_list:
        run.detail_words = source_in_words(run.detail)
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
        {
            **sample,
            "label": REJECTION_REASONS.get(sample.get("reason"), ""),
            "words": detail_in_words(sample.get("detail")),
        }
        for sample in run.sample_errors
    ]
    return render(
        request,
        "datasets/backoffice/run_detail.html",
        {
            "run": run,
            "error": error_in_words(run.error),
            "source": source_in_words(run.detail),
            "reasons": reasons,
            "samples": samples,
        },
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
