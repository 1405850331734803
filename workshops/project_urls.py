"""Public Project pages, under ``/projets/``."""

app_name = "projects"
urlpatterns = []
