from django.urls import path

from datasets.access.register import RegisterView

from . import leaks, views

app_name = "api"
urlpatterns = [
    path("schema/", views.ApiSchemaView.as_view(), name="schema"),
    path(
        "docs/",
        views.ApiDocsView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("datasets/", views.DatasetListView.as_view(), name="dataset-list"),
    path(
        "datasets/<slug:slug>/",
        views.DatasetDetailView.as_view(),
        name="dataset-detail",
    ),
    path("streets/", views.StreetListView.as_view(), name="street-list"),
    path(
        "streets/<slug:slug>/", views.StreetDetailView.as_view(), name="street-detail"
    ),
    path("sensors/", views.SensorListView.as_view(), name="sensor-list"),
    path(
        "sensors/<slug:code>/", views.SensorDetailView.as_view(), name="sensor-detail"
    ),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("keys/leaked/", leaks.LeakReportView.as_view(), name="key-leaked"),
    path("readings/", views.ReadingsView.as_view(), name="readings"),
    path(
        "readings/export.csv",
        views.ReadingsExportView.as_view(),
        name="readings-export",
    ),
    path("register/", RegisterView.as_view(), name="register"),
]
