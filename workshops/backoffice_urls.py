"""The workshops' and DemoDays' back office, under ``/gestion/ateliers/``."""

app_name = "workshops_bo"
urlpatterns = []
