app_name = "datasets_bo"
urlpatterns: list = []
