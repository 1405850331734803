"""The workshops' and DemoDays' back office, under ``/gestion/ateliers/``."""

from .views import overview

app_name = "workshops_bo"
urlpatterns = [*overview.urls]
