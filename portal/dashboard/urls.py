from django.urls import path

from . import views

app_name = "dashboard_bo"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rapports/", views.report_request, name="report_request"),
    path("rapports/<int:pk>/etat/", views.report_status, name="report_status"),
    path(
        "rapports/<int:pk>/telecharger/",
        views.report_download,
        name="report_download",
    ),
    path("partenaires/", views.partner_list, name="partners"),
    path(
        "partenaires/<int:pk>/retirer/",
        views.partner_revoke,
        name="partner_revoke",
    ),
]
