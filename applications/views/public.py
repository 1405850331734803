"""The calls' public pages and the eligibility screen."""


from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.permissions import is_organiser

from ..enums import ApplicantType, Theme
from ..forms import EligibilityForm
from ..models import Call
from ..selectors import applications_for_applicant
from ..services.base import DeadlinePassedError, NotEligibleError
from ..services.team import create_application
from .common import (
    STATUS_BADGES,
    STATUS_LABELS,
    _dataset_url,
    _paris,
    call_status,
    countdown_config,
    remaining_text,
    render_markdown,
)

# --- Public pages -------------------------------------------------------------


@require_GET
def call_list(request):
    now = timezone.now()
    calls = list(Call.objects.published().order_by("-opens_at"))
    for call in calls:
        call.status = call_status(call, now)
        call.status_label = STATUS_LABELS[call.status]
        call.status_badge = STATUS_BADGES[call.status]
    return render(
        request,
        "applications/call_list.html",
        {"calls": calls, "now": now},
    )


@require_GET
def call_detail(request, slug):
    # Organisers preview a call before publishing it.
    calls = Call.objects.published()
    if is_organiser(request.user):
        calls = Call.objects.all()
    call = get_object_or_404(calls.select_related("charter"), slug=slug)
    now = timezone.now()
    status = call_status(call, now)
    datasets = list(call.datasets.order_by("position", "slug"))
    for dataset in datasets:
        dataset.url = _dataset_url(dataset)
    my_applications = []
    if request.user.is_authenticated:
        my_applications = list(
            applications_for_applicant(request.user).filter(call=call)
        )
    type_labels = dict(ApplicantType.choices)
    theme_labels = dict(Theme.choices)
    return render(
        request,
        "applications/call_detail.html",
        {
            "call": call,
            "status": status,
            "status_label": STATUS_LABELS[status],
            "status_badge": STATUS_BADGES[status],
            "is_open": status == "open",
            "text_html": render_markdown(call.text),
            "faq_html": render_markdown(call.faq),
            "charter_html": render_markdown(call.charter.text),
            "eligible_types": [
                type_labels[value]
                for value in call.eligible_types or []
                if value in type_labels
            ],
            "themes": [
                theme_labels[value]
                for value in call.themes or []
                if value in theme_labels
            ],
            "datasets": datasets,
            "opens_at": _paris(call.opens_at),
            "closes_at": _paris(call.closes_at),
            "remaining": remaining_text(call.closes_at - now)
            if status == "open"
            else "",
            "countdown": countdown_config(call, now),
            "my_applications": my_applications,
        },
    )


# --- Eligibility and creation -----------------------------------------------


@verified_email_required
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    call = get_object_or_404(
        Call.objects.published().select_related("charter"), slug=slug
    )
    now = timezone.now()
    if not call.is_open_at(now):
        messages.error(request, _("This call is not open for applications."))
        return redirect("applications:call_detail", slug=call.slug)
    reasons = []
    form = EligibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = create_application(
                call,
                actor=request.user,
                applicant_type=form.cleaned_data["applicant_type"],
                uses_dataset=form.cleaned_data["uses_dataset"],
                in_perimeter=form.cleaned_data["in_perimeter"],
            )
        except NotEligibleError as exc:
            reasons = exc.reasons
        except DeadlinePassedError as exc:
            messages.error(request, exc.messages[0])
            return redirect("applications:call_detail", slug=call.slug)
        else:
            messages.success(
                request,
                _(
                    "Your application %(reference)s is created. It saves itself "
                    "while you type."
                )
                % {"reference": application.reference},
            )
            return redirect(
                "applications:application_edit", reference=application.reference
            )
    return render(
        request,
        "applications/eligibility.html",
        {"call": call, "form": form, "reasons": reasons},
        status=200,
    )
