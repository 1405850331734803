"""The organisers' back office of the data (/gestion/donnees/)."""

from django.urls import path

from . import backoffice_views as views

app_name = "datasets_bo"
urlpatterns = [
    path("ingestion/", views.run_list, name="run_list"),
    path("ingestion/<int:pk>/", views.run_detail, name="run_detail"),
    path("retours/", views.feedback_list, name="feedback_list"),
    path("retours/<int:pk>/statut/", views.feedback_status, name="feedback_status"),
]
