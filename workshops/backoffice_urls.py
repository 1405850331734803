"""The workshops' and DemoDays' back office, under ``/gestion/ateliers/``."""

from django.urls import path

from .views import certificates, feedback

app_name = "workshops_bo"
urlpatterns = []

# --- The day and after (wafter): organisers only ------------------------------------
urlpatterns += [
    path("<slug:slug>/avis/", feedback.feedback_results, name="feedback"),
    path(
        "<slug:slug>/attestations/",
        certificates.certificate_runs,
        name="certificates",
    ),
    path(
        "<slug:slug>/attestations/<int:pk>/etat/",
        certificates.certificate_run_status,
        name="certificate_run_status",
    ),
]
