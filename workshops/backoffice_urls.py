"""The workshops' and DemoDays' back office, under ``/gestion/ateliers/``."""

from django.urls import path

from .views import backoffice, certificates, feedback, overview
from .views import demoday_backoffice as demoday_bo

app_name = "workshops_bo"
urlpatterns = [
    path("", backoffice.workshop_list, name="workshop_list"),
    path("nouveau/", backoffice.workshop_create, name="workshop_create"),
    path("<int:pk>/", backoffice.workshop_edit, name="workshop_edit"),
    path("<int:pk>/publier/", backoffice.workshop_publish, name="workshop_publish"),
    path("<int:pk>/annuler/", backoffice.workshop_cancel, name="workshop_cancel"),
    path("<int:pk>/inviter/", backoffice.workshop_invite, name="workshop_invite"),
    path("salles/", backoffice.room_list, name="room_list"),
    path("salles/<int:pk>/", backoffice.room_edit, name="room_edit"),
    *overview.urls,
    path("demodays/", demoday_bo.demoday_list, name="demoday_list"),
    path("demodays/nouveau/", demoday_bo.demoday_create, name="demoday_create"),
    path("demodays/<slug:slug>/", demoday_bo.demoday_detail, name="demoday"),
    path(
        "demodays/<slug:slug>/modifier/", demoday_bo.demoday_edit, name="demoday_edit"
    ),
    path(
        "demodays/<slug:slug>/sessions/nouvelle/",
        demoday_bo.session_edit,
        name="demoday_session_create",
    ),
    path(
        "demodays/<slug:slug>/sessions/<slug:session_slug>/",
        demoday_bo.session_edit,
        name="demoday_session_edit",
    ),
    path(
        "demodays/<slug:slug>/ordre-de-passage/",
        demoday_bo.running_order,
        name="demoday_order",
    ),
    path(
        "demodays/<slug:slug>/ordre-de-passage/tirage/",
        demoday_bo.draw,
        name="demoday_draw",
    ),
    path(
        "demodays/<slug:slug>/ordre-de-passage/publier/",
        demoday_bo.publish_order,
        name="demoday_order_publish",
    ),
    path("demodays/<slug:slug>/jury/", demoday_bo.jury, name="demoday_jury"),
    path("demodays/<slug:slug>/grille/", demoday_bo.grid, name="demoday_grid"),
    path(
        "demodays/<slug:slug>/jury/<int:pk>/retirer/",
        demoday_bo.juror_remove,
        name="demoday_juror_remove",
    ),
    path("demodays/<slug:slug>/resultats/", demoday_bo.results, name="demoday_results"),
    path(
        "demodays/<slug:slug>/resultats/publier/",
        demoday_bo.results_publish,
        name="demoday_results_publish",
    ),
    # The day and after: feedback and certificates.
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
