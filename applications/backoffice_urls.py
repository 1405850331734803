app_name = "applications_bo"
urlpatterns: list = []
