from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("mes-candidatures/", views.my_applications, name="my_applications"),
    path(
        "invitations/<uuid:token>/",
        views.invitation_accept,
        name="accept_invitation",
    ),
    path(
        "candidatures/<str:reference>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "candidatures/<str:reference>/modifier/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "candidatures/<str:reference>/enregistrer/",
        views.autosave,
        name="autosave",
    ),
    path("candidatures/<str:reference>/deposer/", views.submit, name="submit"),
    path("candidatures/<str:reference>/retirer/", views.withdraw, name="withdraw"),
    path(
        "candidatures/<str:reference>/recus/<int:number>/",
        views.receipt,
        name="receipt",
    ),
    path("candidatures/<str:reference>/equipe/", views.team, name="team"),
    path(
        "candidatures/<str:reference>/equipe/<int:member_id>/retirer/",
        views.team_remove,
        name="team_remove",
    ),
    path(
        "candidatures/<str:reference>/invitations/<int:invitation_id>/revoquer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "candidatures/<str:reference>/pieces-jointes/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "candidatures/<str:reference>/pieces-jointes/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "candidatures/<str:reference>/pieces-jointes/<int:attachment_id>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<slug:slug>/", views.call_detail, name="call_detail"),
    path("<slug:slug>/candidater/", views.apply, name="apply"),
]
