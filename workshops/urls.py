from django.urls import path

from .views import demoday as demoday_views
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
    path("<slug:slug>/", public.workshop_detail, name="workshop_detail"),
    path(
        "<slug:slug>/inscription/", public.workshop_register, name="workshop_register"
    ),
    path("<slug:slug>/desinscription/", public.workshop_cancel, name="workshop_cancel"),
]
