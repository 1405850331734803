"""The feedback survey: the attendee's form, the organisers' results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal import charts
from portal.accounts.permissions import organiser_required

from ..forms.after import FeedbackForm
from ..models import FeedbackResponse, Workshop
from ..selectors.after import feedback_summary
from ..services.feedback import FeedbackError, record_feedback
from .common_wafter import own_registration_or_404


@require_http_methods(["GET", "POST"])
@login_required
def feedback(request, slug):
    registration = own_registration_or_404(request, slug, checked_in=True)
    workshop = registration.workshop
    answered = FeedbackResponse.objects.filter(registration=registration).exists()
    not_yet = workshop.ends_at > timezone.now()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            record_feedback(
                registration,
                rating=form.cleaned_data["rating"],
                useful=form.cleaned_data["useful"],
                improve=form.cleaned_data["improve"],
            )
        except FeedbackError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your answer."))
        return redirect("workshops:feedback", slug=workshop.slug)
    return render(
        request,
        "workshops/feedbackresponse_form.html",
        {
            "workshop": workshop,
            "form": form,
            "answered": answered,
            "not_yet": not_yet,
        },
        status=400 if form.errors else 200,
    )


@require_GET
@organiser_required
def feedback_results(request, slug):
    workshop = get_object_or_404(Workshop, slug=slug)
    summary = feedback_summary(workshop)
    chart = charts.chart(
        "bar",
        [str(rating) for rating, _count in summary["distribution"]],
        [
            charts.dataset(
                _("Answers"), [count for _rating, count in summary["distribution"]]
            )
        ],
        title=_("Answers by rating (1: poor, 5: excellent)"),
        unit=_("answers"),
        integers=True,
        legend=False,
    )
    return render(
        request,
        "workshops/backoffice/feedback_results.html",
        {"workshop": workshop, "summary": summary, "chart": chart},
    )
