"""Public Project pages, under ``/projets/``."""

from .views import projects

app_name = "projects"
urlpatterns = [*projects.urls]
