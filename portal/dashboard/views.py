"""The programme dashboard (organisers; partners read-only) and its annual
report, under ``/gestion/tableau-de-bord/``.

``BackOfficeMFAMiddleware`` already turned away anyone without a back-office
role (404); here a juror gets 403, a partner sees the figures and downloads
the reports, and only organisers write.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.models import PartnerRole, User
from portal.accounts.services import grant_partner_role, revoke_partner_role
from portal.background import job_status

from .enums import ReportState
from .forms import DashboardFilterForm, PartnerGrantForm, ReportRequestForm
from .models import AnnualReport
from .permissions import can_manage_partners, can_request_report, can_view_dashboard
from .selectors import programme_figures, report_years, scope_for
from .services import record_report_download, request_annual_report

RECENT_REPORTS = 10


def _requires(predicate):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _status(report):
    done = report.state == ReportState.DONE and bool(report.file)
    return job_status(
        report,
        download_url=(
            reverse("dashboard_bo:report_download", kwargs={"pk": report.pk})
            if done
            else ""
        ),
    )


@require_GET
@_requires(can_view_dashboard)
def dashboard(request):
    years = report_years()
    form = DashboardFilterForm(request.GET or None, years=years)
    call = year = None
    if form.is_bound and form.is_valid():
        call = form.cleaned_data["wave"]
        year = form.cleaned_data["year"] or None
    scope = scope_for(call=call, year=year)
    figures = programme_figures(scope)
    reports = list(
        AnnualReport.objects.select_related("call", "requested_by")[:RECENT_REPORTS]
    )
    can_request = can_request_report(request.user)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "figures": figures,
            "reports": reports,
            "running": any(not report.is_finished for report in reports),
            "can_request": can_request,
            "can_manage_partners": can_manage_partners(request.user),
            "report_form": ReportRequestForm(years=years, prefix="report")
            if can_request
            else None,
        },
    )


@require_POST
@_requires(can_request_report)
def report_request(request):
    form = ReportRequestForm(request.POST, years=report_years(), prefix="report")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dashboard_bo:dashboard")
    request_annual_report(
        year=form.cleaned_data["year"],
        call=form.cleaned_data["wave"],
        actor=request.user,
    )
    messages.success(
        request, _("The report is being built. This page shows its progress.")
    )
    return redirect(reverse("dashboard_bo:dashboard") + "#reports-title")


@require_GET
@never_cache
@_requires(can_view_dashboard)
def report_status(request, pk):
    return JsonResponse(_status(get_object_or_404(AnnualReport, pk=pk)))


@require_GET
@never_cache
@_requires(can_view_dashboard)
def report_download(request, pk):
    report = get_object_or_404(AnnualReport.objects.select_related("call"), pk=pk)
    if report.state != ReportState.DONE or not report.file:
        raise Http404
    try:
        handle = report.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    record_report_download(report, actor=request.user)
    suffix = f"-{report.call.slug}" if report.call else ""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"openbatignolles-rapport-{report.year}{suffix}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@_requires(can_manage_partners)
def partner_list(request):
    form = PartnerGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant_partner_role(
            form.user,
            organisation=form.cleaned_data["organisation"],
            actor=request.user,
        )
        messages.success(
            request,
            _("%(name)s now sees the dashboard and its reports.")
            % {"name": form.user.display_name},
        )
        return redirect("dashboard_bo:partners")
    partners = PartnerRole.objects.select_related("user", "granted_by")
    return render(
        request, "dashboard/partners.html", {"form": form, "partners": partners}
    )


@require_POST
@_requires(can_manage_partners)
def partner_revoke(request, pk):
    user = get_object_or_404(User, pk=pk, partner_role__isnull=False)
    revoke_partner_role(user, actor=request.user)
    messages.success(
        request,
        _("%(name)s no longer sees the dashboard.") % {"name": user.display_name},
    )
    return redirect("dashboard_bo:partners")
