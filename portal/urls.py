from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from applications.jury.views import membership as jury_membership
from portal import views

# The admin's own login form (no rate limit, no second factor) is never shown:
# anonymous visitors go to allauth's login; BackOfficeMFAMiddleware then asks
# staff for the second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("api/v1/", include("datasets.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy_notice, name="privacy_notice"),
    path(
        "accessibilite/",
        views.accessibility_statement,
        name="accessibility_statement",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("comptes/", include("allauth.urls")),
    path("mon-compte/", include("portal.accounts.urls")),
    # Before datasets.urls: /donnees/mes-acces/ and /gestion/donnees/acces/.
    path("", include("datasets.access.urls")),
    path("donnees/", include("datasets.urls")),
    path("appels/", include("applications.urls")),
    path("agenda/", include("workshops.urls")),
    path("projets/", include("workshops.project_urls")),
    path("gestion/", include("portal.backoffice_urls")),
    path("jury/", include("applications.jury.urls")),
    path(
        "invitation-jury/",
        include((jury_membership.invitation_urls, "jury_invitation")),
    ),
    path("django-admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
