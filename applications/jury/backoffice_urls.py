"""The organisers' pages of the jury, under ``/gestion/jury/``."""

from .views import assignment, deliberation, dossiers, membership, scoring

app_name = "jury_bo"

urlpatterns = [
    *membership.backoffice_urls,
    *assignment.backoffice_urls,
    *scoring.backoffice_urls,
    *deliberation.backoffice_urls,
    *dossiers.backoffice_urls,
]
