"""The portal's URLs plus ``/bench/bare``: the machine's ceiling.

The bare view goes through the same middleware stack as every portal page but
does no work: its throughput is what this machine can serve at best.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from portal.urls import urlpatterns as portal_urlpatterns

BARE_BODY = {"status": "ok", "bench": "bare"}


def bare(request):
    return JsonResponse(BARE_BODY)


@login_required
@require_POST
def signed_in_post(request):
    """A signed-in POST that does nothing: the session and its user read,
    the CSRF check, a redirect. The ceiling of any signed-in form on this
    machine (bench/workshop_registration.py)."""
    return redirect("/agenda/")


urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("bench/signed-in", signed_in_post, name="bench_signed_in"),
]
try:
    from bench.baseline_keys import BaselineReadingsView
except ImportError:  # djangorestframework-api-key not installed: no (e)
    pass
else:
    urlpatterns.append(path("bench/baseline/readings/", BaselineReadingsView.as_view()))
urlpatterns += portal_urlpatterns
