"""The back office (organisers; the jury later), all under ``/gestion/``.

``BackOfficeMFAMiddleware`` guards the whole prefix: role rows first, then
two-factor authentication.
"""

from django.urls import include, path

from portal.backoffice import backoffice_home

urlpatterns = [
    path("", backoffice_home, name="backoffice_home"),
    path("appels/", include("applications.backoffice_urls")),
    path("jury/", include("applications.jury.backoffice_urls")),
    path("donnees/", include("datasets.backoffice_urls")),
    path("courriels/", include("portal.outbox.urls")),
    path("ateliers/", include("workshops.backoffice_urls")),
    path("tableau-de-bord/", include("portal.dashboard.urls")),
]
