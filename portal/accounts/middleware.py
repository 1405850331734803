from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import has_backoffice_role, has_mfa

ADMIN = "admin"
BACKOFFICE = "backoffice"


def _route_without_language(match):
    """The matched route with its language prefix (``en/``, any language) cut."""
    route = match.route or ""
    first, _slash, rest = route.partition("/")
    if first in {code for code, _name in settings.LANGUAGES}:
        return rest
    return route


def guarded_area(match):
    """``"admin"``, ``"backoffice"`` or None for a URL's resolver match.

    Decided on what the URL resolved to, never on the request's path string:
    the Django admin by its namespace; the back office by its namespaces
    (``PORTAL_BACKOFFICE_NAMESPACES``) or by the route it is mounted under
    (``PORTAL_BACKOFFICE_ROUTES``, whatever language prefix comes first), so a
    page added under ``gestion/`` is guarded before anyone lists it.
    """
    if match is None:
        return None
    namespaces = set(match.namespaces)
    if ADMIN in namespaces:
        return ADMIN
    if namespaces & set(settings.PORTAL_BACKOFFICE_NAMESPACES):
        return BACKOFFICE
    if _route_without_language(match).startswith(settings.PORTAL_BACKOFFICE_ROUTES):
        return BACKOFFICE
    return None


class BackOfficeMFAMiddleware:
    """Guard every back-office and admin URL: a role, then two-factor auth.

    Views of the back office still check their own predicates; this is the
    floor no view can forget. Outsiders get 404, not a hint the page exists.
    The Django admin needs a staff account signed in through allauth's login
    (with its rate limits) and, like the back office, a second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        area = guarded_area(getattr(request, "resolver_match", None))
        if area is None:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if area == ADMIN:
            if not (user.is_active and user.is_staff):
                raise Http404
        elif not has_backoffice_role(user):
            raise Http404
        if settings.PORTAL_REQUIRE_MFA and not has_mfa(user):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return None
