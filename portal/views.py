from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from applications.selectors import call_for_home_page, call_milestones
from datasets.selectors import catalogue_figures
from portal.accounts.registry import REGISTRY
from portal.health import backend_report


@require_GET
def home(request):
    now = timezone.now()
    milestones = call_milestones(now=now)
    upcoming = [m for m in milestones if not m.is_past]
    return render(
        request,
        "portal/home.html",
        {
            "call": call_for_home_page(now=now),
            "figures": catalogue_figures(),
            "retained_count": sum(
                m.retained_count for m in milestones if m.retained_count is not None
            ),
            # The next four steps; once all are past, the last four.
            "milestones": upcoming[:4] or milestones[-4:],
            "milestones_are_past": not upcoming,
        },
    )


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
    # Built from the registry of personal data, so it says what the portal does.
    return render(request, "portal/privacy_notice.html", {"registry": REGISTRY})


@require_GET
def accessibility_statement(request):
    return render(request, "portal/accessibility_statement.html")


def set_language(request):
    # Django resolves ``next`` in the language active on /i18n/setlang/, which
    # carries no prefix and so is always French: an /en/ page never translated
    # back. Resolve it in its own language instead. The header links to the
    # other language directly; this keeps the endpoint right for other callers.
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = (
        translation.get_language_from_path(urlsplit(next_url).path)
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        return django_set_language(request)
