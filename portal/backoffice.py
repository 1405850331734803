from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.accounts.permissions import is_organiser


@require_GET
def backoffice_home(request):
    # The middleware already required a back-office role and two-factor auth.
    if not is_organiser(request.user):
        raise PermissionDenied
    return render(request, "portal/backoffice_home.html")
