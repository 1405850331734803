"""The workshops' and DemoDays' back office, under ``/gestion/ateliers/``."""

from django.urls import path

from .views import backoffice, overview

app_name = "workshops_bo"
urlpatterns = [
    path("", backoffice.workshop_list, name="workshop_list"),
    path("nouveau/", backoffice.workshop_create, name="workshop_create"),
    path("<int:pk>/", backoffice.workshop_edit, name="workshop_edit"),
    path("<int:pk>/publier/", backoffice.workshop_publish, name="workshop_publish"),
    path("<int:pk>/annuler/", backoffice.workshop_cancel, name="workshop_cancel"),
    path("<int:pk>/inviter/", backoffice.workshop_invite, name="workshop_invite"),
    path("salles/", backoffice.room_list, name="room_list"),
    *overview.urls,
]
