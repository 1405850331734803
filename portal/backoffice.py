from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from portal.accounts.permissions import is_organiser, is_partner


@require_GET
def backoffice_home(request):
    # The middleware already required a back-office role and two-factor auth.
    if not is_organiser(request.user):
        if is_partner(request.user):
            # A partner's only back-office page.
            return redirect("dashboard_bo:dashboard")
        raise PermissionDenied
    return render(request, "portal/backoffice_home.html")
