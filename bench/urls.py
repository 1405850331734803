"""The portal's URLs plus ``/bench/bare``: the machine's ceiling.

The bare view goes through the same middleware stack as every portal page but
does no work: its throughput is what this machine can serve at best.
"""

from django.http import JsonResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

BARE_BODY = {"status": "ok", "bench": "bare"}


def bare(request):
    return JsonResponse(BARE_BODY)


urlpatterns = [path("bench/bare", bare, name="bench_bare")]
try:
    from bench.baseline_keys import BaselineReadingsView
except ImportError:  # djangorestframework-api-key not installed: no (e)
    pass
else:
    urlpatterns.append(path("bench/baseline/readings/", BaselineReadingsView.as_view()))
urlpatterns += portal_urlpatterns
