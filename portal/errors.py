"""Error pages: styled and translated for people, JSON for the API.

Django calls these handlers (``handler400`` ... in ``portal/urls.py`` and
``CSRF_FAILURE_VIEW``) with DEBUG off. The HTML pages extend the site shell and
say what to do next; ``500.html`` stands alone, because the failure may lie in
what the shell needs (the database, the URLconf, a context processor).
"""

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseServerError, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from rest_framework import exceptions as api_exceptions


def _is_api(request):
    return request.path.startswith("/api/")


def _api_error(exception_class, status):
    return JsonResponse({"detail": str(exception_class.default_detail)}, status=status)


@requires_csrf_token
def bad_request(request, exception):
    if _is_api(request):
        return _api_error(api_exceptions.ParseError, 400)
    return defaults.bad_request(request, exception)


@requires_csrf_token
def permission_denied(request, exception):
    if _is_api(request):
        return _api_error(api_exceptions.PermissionDenied, 403)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request, exception):
    if _is_api(request):
        return _api_error(api_exceptions.NotFound, 404)
    return defaults.page_not_found(request, exception)


def _safe(build, fallback):
    try:
        return build()
    except Exception:  # noqa: BLE001 - the 500 page must render whatever failed
        return fallback


@requires_csrf_token
def server_error(request):
    if _is_api(request):
        return _api_error(api_exceptions.APIException, 500)
    # A plain context: no context processor, nothing that touches the database.
    context = {
        "stylesheet_url": _safe(lambda: static("css/portal.css"), ""),
        "home_url": _safe(lambda: reverse("home"), ""),
        "login_url": _safe(lambda: reverse("account_login"), ""),
        "contact_email": getattr(settings, "PORTAL_CONTACT_EMAIL", ""),
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))


@requires_csrf_token
def csrf_failure(request, reason=""):
    """A form sent without its security token (an expired page, cookies off)."""
    body = loader.get_template("403_csrf.html").render(
        {"no_cookie": settings.CSRF_COOKIE_NAME not in request.COOKIES}, request
    )
    return HttpResponseForbidden(body)
