from django.urls import path

from .views import public

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
    path("<slug:slug>/", public.workshop_detail, name="workshop_detail"),
    path(
        "<slug:slug>/inscription/", public.workshop_register, name="workshop_register"
    ),
    path("<slug:slug>/desinscription/", public.workshop_cancel, name="workshop_cancel"),
]
