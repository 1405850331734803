from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import has_backoffice_role, has_mfa


class BackOfficeMFAMiddleware:
    """Guard every back-office URL: a role is needed, and then two-factor auth.

    Views under the back-office prefixes still check their own predicates; this
    is the floor no view can forget. Outsiders get 404, not a hint the page exists.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(settings.PORTAL_BACKOFFICE_PREFIXES):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_backoffice_role(user):
                raise Http404
            if settings.PORTAL_REQUIRE_MFA and not has_mfa(user):
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
