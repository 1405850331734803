"""The jurors' space, under ``/jury/`` (two-factor authentication required)."""

from .views import assignment, deliberation, dossiers, membership, scoring

app_name = "jury"

urlpatterns = [
    *membership.urls,
    *assignment.urls,
    *scoring.urls,
    *deliberation.urls,
    *dossiers.urls,
]
