from django.urls import path

from .views import after, certificates, checkin, feedback
from .views.agenda import agenda

app_name = "workshops"
urlpatterns = [path("", agenda, name="agenda")]

# --- The day and after (wafter) ---------------------------------------------------
urlpatterns += [
    # Anyone: verify a certificate of attendance.
    path("certificats/", certificates.certificate_lookup, name="certificate_lookup"),
    path(
        "certificats/<str:code>/",
        certificates.certificate_verify,
        name="certificate_verify",
    ),
    # A Project's team (and those who run the workshop): an action's status.
    path("actions/<int:pk>/statut/", after.action_status, name="action_status"),
    # Organisers and the workshop's facilitators (not only organisers: outside
    # the back office).
    path("animation/<slug:slug>/", checkin.run_home, name="run"),
    path("animation/<slug:slug>/presences/", checkin.checkin_list, name="checkin"),
    path(
        "animation/<slug:slug>/presences/<int:pk>/pointer/",
        checkin.checkin_do,
        name="checkin_do",
    ),
    path(
        "animation/<slug:slug>/presences/<int:pk>/annuler/",
        checkin.checkin_undo,
        name="checkin_undo",
    ),
    path(
        "animation/<slug:slug>/presences.csv",
        checkin.attendance_export,
        name="attendance_csv",
    ),
    path(
        "animation/<slug:slug>/billet/<str:token>/",
        checkin.checkin_scan,
        name="checkin_scan",
    ),
    path(
        "animation/<slug:slug>/compte-rendu/",
        after.minutes_edit,
        name="minutes_edit",
    ),
    path("animation/<slug:slug>/supports/", after.materials, name="materials"),
    path(
        "animation/<slug:slug>/supports/<int:pk>/retirer/",
        after.material_remove,
        name="material_remove",
    ),
    path("animation/<slug:slug>/actions/", after.actions, name="actions"),
    path(
        "animation/<slug:slug>/actions/<int:pk>/",
        after.action_edit,
        name="action_edit",
    ),
    # The participant.
    path("<slug:slug>/billet/", checkin.ticket, name="ticket"),
    path("<slug:slug>/billet/qr.svg", checkin.ticket_qr, name="ticket_qr"),
    path("<slug:slug>/avis/", feedback.feedback, name="feedback"),
    path(
        "<slug:slug>/attestation/",
        certificates.certificate_download,
        name="certificate_download",
    ),
    # Whom it is published to.
    path(
        "<slug:slug>/supports/<int:pk>/",
        after.material_download,
        name="material_download",
    ),
]
