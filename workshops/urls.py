from django.urls import path

from .views import after, certificates, checkin, feedback, public
from .views import demoday as demoday_views

app_name = "workshops"
urlpatterns = [
    path("", public.agenda, name="agenda"),
    path("mes-ateliers/", public.my_workshops, name="my_workshops"),
    path("invitations/", public.invitations, name="invitations"),
    path(
        "invitations/<int:pk>/repondre/",
        public.invitation_answer,
        name="invitation_answer",
    ),
    path("calendrier.ics", public.public_feed, name="public_feed"),
    path("calendrier/lien/", public.feed_manage, name="feed_manage"),
    path("calendrier/<str:token>.ics", public.private_feed, name="private_feed"),
    # --- DemoDay (wdemo), before the workshop slugs ---
    path("demoday/<slug:slug>/", demoday_views.programme, name="demoday"),
    path(
        "demoday/<slug:slug>/programme.pdf",
        demoday_views.programme_pdf,
        name="demoday_pdf",
    ),
    path("demoday/<slug:slug>/vote/", demoday_views.vote, name="demoday_vote"),
    path(
        "demoday/<slug:slug>/resultats/",
        demoday_views.results,
        name="demoday_results",
    ),
    path("demoday/<slug:slug>/jury/", demoday_views.jury_queue, name="demoday_jury"),
    path(
        "demoday/<slug:slug>/jury/<slug:project_slug>/",
        demoday_views.jury_score,
        name="demoday_jury_score",
    ),
    # --- The day and after, before the workshop slugs ---
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
    path("<slug:slug>/", public.workshop_detail, name="workshop_detail"),
    path(
        "<slug:slug>/inscription/", public.workshop_register, name="workshop_register"
    ),
    path("<slug:slug>/desinscription/", public.workshop_cancel, name="workshop_cancel"),
]
