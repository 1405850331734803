"""The outbox in the back office (/gestion/courriels/)."""

from django.urls import path

from . import views

app_name = "outbox_bo"
urlpatterns = [
    path("", views.email_list, name="email_list"),
    path("<int:pk>/renvoyer/", views.email_retry, name="email_retry"),
]
