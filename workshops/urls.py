from django.urls import path

from .views import agenda as views
from .views import demoday as demoday_views

app_name = "workshops"
urlpatterns = [path("", views.agenda, name="agenda")]

# --- DemoDay (wdemo) ---
urlpatterns += [
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
]
