from django.urls import path

from . import views

app_name = "datasets"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("plan/", views.plan, name="plan"),
    path("plan/carte.geojson", views.map_geojson, name="map_geojson"),
    path("api/", views.api_get_started, name="api_get_started"),
    path("capteurs/<slug:code>/", views.sensor_detail, name="sensor_detail"),
    path(
        "capteurs/<slug:code>/merci/",
        views.feedback_thanks,
        name="feedback_thanks",
    ),
    path("<slug:slug>/", views.dataset_detail, name="dataset_detail"),
]
