from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applications.selectors import call_for_home_page
from portal.health import backend_report


@require_GET
def home(request):
    call = call_for_home_page(now=timezone.now())
    return render(request, "portal/home.html", {"call": call})


@never_cache
@require_GET
def healthz(request):
    statuses, versions = backend_report()
    healthy = all(value == "ok" for value in statuses.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "backends": statuses,
            "versions": versions,
        },
        status=200 if healthy else 503,
    )


@require_GET
def legal_notice(request):
    return render(request, "portal/legal_notice.html")


@require_GET
def privacy_notice(request):
    return render(request, "portal/privacy_notice.html")


@require_GET
def accessibility_statement(request):
    return render(request, "portal/accessibility_statement.html")
