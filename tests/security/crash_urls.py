"""The portal's URLs plus one view that crashes, for the 500 page's headers."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def crash(request):
    raise RuntimeError("a crash on purpose")


urlpatterns = [
    *i18n_patterns(path("crash/", crash), prefix_default_language=False),
    *portal_urlpatterns,
]
