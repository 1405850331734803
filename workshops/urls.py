from django.urls import path

from .views import agenda as views

app_name = "workshops"
urlpatterns = [path("", views.agenda, name="agenda")]
