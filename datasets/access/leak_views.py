"""The public page to report a leaked API key (/donnees/cle-compromise/)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import LeakReportForm
from .leaks import report_allowed, report_leaked_keys


@never_cache
@require_http_methods(["GET", "POST"])
def leak_report(request):
    """Anyone, signed in or not: the keys pasted are revoked at once and their
    teams told. The answer is the same whatever was pasted (no oracle)."""
    form = LeakReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not report_allowed(request):
            return render(
                request,
                "access/leak_report.html",
                {"form": form, "limited": True},
                status=429,
            )
        if form.is_valid():
            reporter = request.user if request.user.is_authenticated else None
            report_leaked_keys(
                form.cleaned_data["keys"],
                reporter=reporter,
                where=form.cleaned_data["where"],
            )
            return render(request, "access/leak_report_done.html")
    return render(
        request,
        "access/leak_report.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
