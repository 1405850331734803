"""Data access pages: the holder's (/donnees/mes-acces/) and the organisers'
back office (/gestion/donnees/acces/, guarded with the rest of /gestion/ by
``BackOfficeMFAMiddleware``), under one namespace, ``access``.

Included from ``portal/urls.py`` before ``datasets.urls``, whose
``<slug:slug>/`` would otherwise catch ``mes-acces/``.
"""

from django.urls import include, path

from . import backoffice_views, charter_views, leak_views, register, views

app_name = "access"

holder_patterns = [
    path("", views.access_list, name="access_list"),
    path("charte/", charter_views.charter_sign, name="charter_sign"),
    path("<int:pk>/nouvelle-cle/", views.key_create, name="key_create"),
    path("cles/<int:pk>/nouvelle/", views.key_token, name="key_token"),
    path("cles/<int:pk>/rotation/", views.key_rotate, name="key_rotate"),
    path("cles/<int:pk>/revoquer/", views.key_revoke, name="key_revoke"),
]

backoffice_patterns = [
    path("", backoffice_views.grant_list, name="grant_list"),
    path("nouveau/", backoffice_views.grant_create, name="grant_create"),
    path("<int:pk>/", backoffice_views.grant_detail, name="grant_detail"),
    path("<int:pk>/modifier/", backoffice_views.grant_change, name="grant_change"),
    path("<int:pk>/revoquer/", backoffice_views.grant_revoke, name="grant_revoke"),
    path("<int:pk>/suspendre/", backoffice_views.grant_suspend, name="grant_suspend"),
    path("<int:pk>/reprendre/", backoffice_views.grant_resume, name="grant_resume"),
    path("journal/", backoffice_views.access_journal, name="journal"),
]

urlpatterns = [
    path("donnees/cle-compromise/", leak_views.leak_report, name="leak_report"),
    path("donnees/mes-acces/", include(holder_patterns)),
    path("gestion/donnees/acces/", include(backoffice_patterns)),
    path("donnees/registre/", register.register_page, name="register"),
]
