"""Error pages: styled and translated for people, JSON for the API.

Django calls these handlers (``handler400`` ... in ``portal/urls.py`` and
``CSRF_FAILURE_VIEW``) with DEBUG off. The HTML pages extend the site shell and
say what to do next; ``500.html`` stands alone, because the failure may lie in
what the shell needs (the database, the URLconf, a context processor).
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from rest_framework import exceptions as api_exceptions

logger = logging.getLogger(__name__)

# The database errors that mean "unreachable" (connection refused, dropped,
# timed out), not a mistake in the code: a 503 page, never a stack trace.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


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


def _plain_context():
    """What the standalone error pages need, built without the database."""
    return {
        "stylesheet_url": _safe(lambda: static("css/portal.css"), ""),
        "home_url": _safe(lambda: reverse("home"), ""),
        "login_url": _safe(lambda: reverse("account_login"), ""),
        "contact_email": getattr(settings, "PORTAL_CONTACT_EMAIL", ""),
    }


def database_unavailable(request):
    """503 while the database cannot be reached: the friendly page, or JSON
    for the API, with ``Retry-After``. Logged without the error's text (it
    names the server's address)."""
    logger.error("Database unavailable: answered 503 to %s", request.path)
    if _is_api(request):
        response = JsonResponse(
            {
                "detail": _(
                    "The service is temporarily unavailable. Try again in a "
                    "few minutes."
                )
            },
            status=503,
        )
    else:
        response = HttpResponse(
            loader.get_template("503.html").render(_plain_context()), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 (``database_unavailable``) when a view finds the database
    unreachable. Failures before the view (a middleware reading the session)
    reach ``server_error``, which answers the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request)
        return None


@requires_csrf_token
def server_error(request):
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if _is_api(request):
        return _api_error(api_exceptions.APIException, 500)
    # A plain context: no context processor, nothing that touches the database.
    return HttpResponseServerError(
        loader.get_template("500.html").render(_plain_context())
    )


@requires_csrf_token
def csrf_failure(request, reason=""):
    """A form sent without its security token (an expired page, cookies off)."""
    body = loader.get_template("403_csrf.html").render(
        {"no_cookie": settings.CSRF_COOKIE_NAME not in request.COOKIES}, request
    )
    return HttpResponseForbidden(body)
