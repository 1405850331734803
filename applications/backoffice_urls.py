"""The organisers' back office of calls and applications (/gestion/appels/)."""

from django.urls import path

from . import backoffice_views as views

app_name = "applications_bo"

APPLICATION = "<slug:slug>/candidatures/<str:reference>/"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("nouvel-appel/", views.call_edit, name="call_create"),
    path("modeles-de-courriel/", views.template_list, name="template_list"),
    path("modeles-de-courriel/nouveau/", views.template_edit, name="template_create"),
    path(
        "modeles-de-courriel/<slug:template_slug>/",
        views.template_edit,
        name="template_edit",
    ),
    path("<slug:slug>/", views.call_overview, name="call_overview"),
    path("<slug:slug>/modifier/", views.call_edit, name="call_edit"),
    path("<slug:slug>/publication/", views.call_publish, name="call_publish"),
    path("<slug:slug>/candidatures/", views.application_list, name="application_list"),
    path(
        "<slug:slug>/candidatures/export.csv",
        views.application_export,
        name="application_export",
    ),
    path("<slug:slug>/courriels/", views.team_email, name="team_email"),
    path(
        "<slug:slug>/courriels/envoyes/",
        views.sent_email_list,
        name="sent_email_list",
    ),
    path(APPLICATION, views.application_detail, name="application_detail"),
    path(APPLICATION + "pdf/", views.application_pdf_view, name="application_pdf"),
    path(
        APPLICATION + "admissibilite/",
        views.application_admissibility,
        name="application_admissibility",
    ),
    path(
        APPLICATION + "examen/",
        views.application_start_review,
        name="application_start_review",
    ),
    path(
        APPLICATION + "decision/",
        views.application_decision,
        name="application_decision",
    ),
    path(
        APPLICATION + "pieces/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
