from django.urls import path

from . import views

app_name = "datasets"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("plan/", views.plan, name="plan"),
    path("api/", views.api_get_started, name="api_get_started"),
    path("mes-acces/", views.access_list, name="access_list"),
    path("mes-acces/<int:pk>/nouvelle-cle/", views.key_create, name="key_create"),
    path("mes-acces/cles/<int:pk>/rotation/", views.key_rotate, name="key_rotate"),
    path("mes-acces/cles/<int:pk>/revoquer/", views.key_revoke, name="key_revoke"),
    path("capteurs/<slug:code>/", views.sensor_detail, name="sensor_detail"),
    path(
        "capteurs/<slug:code>/merci/",
        views.feedback_thanks,
        name="feedback_thanks",
    ),
    path("<slug:slug>/", views.dataset_detail, name="dataset_detail"),
]
