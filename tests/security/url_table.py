"""Who gets what, for every URL pattern of the project: THE table of
tests/security/test_url_matrix.py.

One line per pattern (``namespace:name``) and method. Each value lists the
outcome for the eight roles, in the order of ``ROLES``:

    anonymous  resident  other_holder  member  juror  conflicted_juror
    organiser  facilitator

Outcomes: a status code (``200``, ``403``, ``404``, ``405``...), ``login``
(redirected to the login page), ``mfa`` (sent to set up the second factor),
``302`` (any other redirect). HEAD never gets more than GET (it may answer
405 where a view takes GET only); pages under ``i18n_patterns`` must answer
the same under ``/en/``.

The rules the table follows: an object outside the user's reach answers 404;
a visible object without the permission, 403; an anonymous visitor is sent
to log in; a refused POST changes no row.

A pattern missing here fails the test, which prints the line to add (the
outcomes it observed: read them before pasting). ``NAMESPACES`` gives one row
to every pattern of a namespace that no role of the matrix may enter (the
Django admin: staff only, tested in test_admin_and_guard.py).

What the roles are (tests/security/url_world.py): the member leads
application A (first wave, retained, Project with a grant and keys) and sits
on a draft of the second wave; the other holder leads application B; the
juror is assigned A; the conflicted juror has a confirmed conflict on A; the
facilitator runs workshop W; the resident has no team.
"""

ROLES = (
    "anonymous",
    "resident",
    "other_holder",
    "member",
    "juror",
    "conflicted_juror",
    "organiser",
    "facilitator",
)

# Which sample object fills a URL argument, where the default of
# url_world.DEFAULT_KWARGS (application A, its call, ...) is not the one.
# "=value" is a literal, anything else an attribute path into the world.
WORKSHOP = {"slug": "workshop.slug"}
DRAFT = {"reference": "draft.reference", "attachment_id": "draft_attachment.pk"}
DEMODAY = {"slug": "demoday.slug"}
KWARGS = {
    "applications:application_edit": DRAFT,
    "applications:autosave": DRAFT,
    "applications:submit": DRAFT,
    "applications:team": DRAFT,
    "applications:team_remove": DRAFT,
    "applications:invitation_revoke": DRAFT,
    "applications:attachment_upload": DRAFT,
    "applications:attachment_delete": DRAFT,
    "applications:accept_invitation": {"token": "team_invitation.token"},
    "jury_bo:remove_member": {"pk": "membership.pk"},
    "jury_bo:resolve_conflict": {"pk": "conflict.pk"},
    "workshops:invitation_answer": {"pk": "project_invitation.pk"},
    "workshops:private_feed": {"token": "feed.token"},
    "workshops:action_status": {"pk": "action.pk"},
    "workshops:certificate_verify": {"code": "certificate.code"},
    "workshops:demoday": DEMODAY,
    "workshops:demoday_pdf": DEMODAY,
    "workshops:demoday_vote": DEMODAY,
    "workshops:demoday_results": DEMODAY,
    "workshops:demoday_jury": DEMODAY,
    "workshops:demoday_jury_score": DEMODAY,
    "workshops:run": WORKSHOP,
    "workshops:checkin": WORKSHOP,
    "workshops:checkin_do": {**WORKSHOP, "pk": "registration.pk"},
    "workshops:checkin_undo": {**WORKSHOP, "pk": "registration.pk"},
    "workshops:attendance_csv": WORKSHOP,
    "workshops:checkin_scan": {**WORKSHOP, "token": "registration.checkin_token"},
    "workshops:minutes_edit": WORKSHOP,
    "workshops:materials": WORKSHOP,
    "workshops:material_remove": {**WORKSHOP, "pk": "material.pk"},
    "workshops:actions": WORKSHOP,
    "workshops:action_edit": {**WORKSHOP, "pk": "action.pk"},
    "workshops:ticket": WORKSHOP,
    "workshops:ticket_qr": WORKSHOP,
    "workshops:feedback": WORKSHOP,
    "workshops:certificate_download": WORKSHOP,
    "workshops:material_download": {**WORKSHOP, "pk": "material.pk"},
    "workshops:workshop_detail": WORKSHOP,
    "workshops:workshop_register": WORKSHOP,
    "workshops:workshop_cancel": WORKSHOP,
    "projects:detail": {"slug": "project.slug"},
    "workshops_bo:workshop_edit": {"pk": "workshop.pk"},
    "workshops_bo:workshop_publish": {"pk": "workshop.pk"},
    "workshops_bo:workshop_cancel": {"pk": "workshop.pk"},
    "workshops_bo:workshop_invite": {"pk": "workshop.pk"},
    "workshops_bo:email": WORKSHOP,
    "workshops_bo:feedback": WORKSHOP,
    "workshops_bo:certificates": WORKSHOP,
    "workshops_bo:certificate_run_status": {**WORKSHOP, "pk": "certificate_run.pk"},
    "workshops_bo:demoday": DEMODAY,
    "workshops_bo:demoday_edit": DEMODAY,
    "workshops_bo:demoday_session_create": DEMODAY,
    "workshops_bo:demoday_session_edit": DEMODAY,
    "workshops_bo:demoday_order": DEMODAY,
    "workshops_bo:demoday_draw": DEMODAY,
    "workshops_bo:demoday_order_publish": DEMODAY,
    "workshops_bo:demoday_jury": DEMODAY,
    "workshops_bo:demoday_grid": DEMODAY,
    "workshops_bo:demoday_juror_remove": {**DEMODAY, "pk": "demoday_juror.pk"},
    "workshops_bo:demoday_results": DEMODAY,
    "workshops_bo:demoday_results_publish": DEMODAY,
    "access:key_create": {"pk": "grant.pk"},
    "workshops_bo:room_edit": {"pk": "room.pk"},
    "access:key_rotate": {"pk": "key.pk"},
    "access:key_revoke": {"pk": "key.pk"},
    "access:grant_detail": {"pk": "grant.pk"},
    "access:grant_change": {"pk": "grant.pk"},
    "access:grant_revoke": {"pk": "grant.pk"},
    "access:grant_suspend": {"pk": "grant.pk"},
    "access:grant_resume": {"pk": "grant.pk"},
    "datasets:dataset_detail": {"slug": "dataset.slug"},
    "datasets_bo:run_detail": {"pk": "ingestion_run.pk"},
    "datasets_bo:feedback_status": {"pk": "feedback.pk"},
    "outbox_bo:email_retry": {"pk": "mail.pk"},
    "api:dataset-detail": {"slug": "dataset.slug"},
    "api:street-detail": {"slug": "street.slug"},
}

# Every pattern of these namespaces answers the same, whatever its arguments.
NAMESPACES = {
    "admin": {
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "login 404 404 404 404 404 404 404",
    },
}

TABLE = {
    "access:access_list": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "access:charter_sign": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 404 404 404 404 404 404 404",
    },
    "access:grant_change": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 400 404",
    },
    "access:grant_create": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "access:grant_detail": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "access:grant_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "access:grant_resume": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "access:grant_revoke": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 400 404",
    },
    "access:grant_suspend": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 400 404",
    },
    "access:journal": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "access:key_create": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 404 404 400 404 404 404 404",
    },
    "access:key_revoke": {
        "GET": "login 404 404 200 404 404 404 404",
        "POST": "login 404 404 302 404 404 404 404",
    },
    "access:key_rotate": {
        "GET": "login 404 404 200 404 404 404 404",
        "POST": "login 404 404 302 404 404 404 404",
    },
    # The page that shows a new key once: the world has no key just created.
    "access:key_token": {
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "access:leak_report": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "400 400 400 400 400 400 400 400",
    },
    "access:register": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "accessibility_statement": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "account_change_password": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 200 200 200 200 200 200 200",
        "PUT": "login 200 200 200 200 200 200 200",
    },
    "account_confirm_email": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "404 404 404 404 404 404 404 404",
    },
    "account_confirm_login_code": {
        "GET": "login 302 302 302 302 302 302 302",
        "POST": "login 302 302 302 302 302 302 302",
        "PUT": "login 302 302 302 302 302 302 302",
    },
    "account_email": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 302 302 302 302 302 302 302",
        "PUT": "login 302 302 302 302 302 302 302",
    },
    "account_email_verification_sent": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "account_inactive": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "account_login": {
        "GET": "200 302 302 302 302 302 302 302",
        "POST": "200 302 302 302 302 302 302 302",
        "PUT": "200 302 302 302 302 302 302 302",
    },
    "account_logout": {
        "GET": "302 200 200 200 200 200 200 200",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "account_reauthenticate": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 200 200 200 200 200 200 200",
        "PUT": "login 200 200 200 200 200 200 200",
    },
    "account_reset_password": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
        "PUT": "200 200 200 200 200 200 200 200",
    },
    "account_reset_password_done": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "account_reset_password_from_key": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
        "PUT": "200 200 200 200 200 200 200 200",
    },
    "account_reset_password_from_key_done": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "account_set_password": {
        "GET": "login 302 302 302 302 302 302 302",
        "POST": "login 302 302 302 302 302 302 302",
        "PUT": "login 302 302 302 302 302 302 302",
    },
    "account_signup": {
        "GET": "200 302 302 302 302 302 302 302",
        "POST": "200 302 302 302 302 302 302 302",
        "PUT": "200 302 302 302 302 302 302 302",
    },
    "accounts:dashboard": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "accounts:erase": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 200 200 200 200 200 200 200",
    },
    "accounts:export_data": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "accounts:profile": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 200 200 200 200 200 200 200",
    },
    "api:dataset-detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:dataset-list": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:docs": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:key-leaked": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "400 400 400 400 400 400 400 400",
    },
    "api:latest": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:readings": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:readings-export": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:register": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:schema": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:sensor-detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:sensor-list": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:street-detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "api:street-list": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "applications:accept_invitation": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 200 200 200 200 200 200 200",
    },
    "applications:application_detail": {
        "GET": "login 404 404 200 404 404 200 404",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "applications:application_edit": {
        "GET": "login 404 404 200 404 404 403 404",
        "POST": "login 404 404 302 404 404 403 404",
    },
    "applications:apply": {
        "GET": "login 302 302 302 302 302 302 302",
        "POST": "login 302 302 302 302 302 302 302",
    },
    "applications:attachment_delete": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 404 404 302 404 404 403 404",
    },
    "applications:attachment_download": {
        "GET": "login 404 404 200 404 404 200 404",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "applications:attachment_upload": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 404 404 302 404 404 403 404",
    },
    "applications:autosave": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "400 400 400 400 400 400 400 400",
    },
    "applications:call_detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "applications:call_list": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "applications:invitation_revoke": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 404 404 403 404 404 403 404",
    },
    "applications:my_applications": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "applications:receipt": {
        "GET": "login 404 404 200 404 404 200 404",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "applications:submit": {
        "GET": "login 404 404 200 404 404 403 404",
        "POST": "login 404 404 200 404 404 403 404",
    },
    "applications:team": {
        "GET": "login 404 404 200 404 404 403 404",
        "POST": "login 404 404 403 404 404 403 404",
    },
    "applications:team_remove": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 404 404 403 404 404 403 404",
    },
    "applications:withdraw": {
        "GET": "login 404 404 200 404 404 403 404",
        "POST": "login 404 404 302 404 404 403 404",
    },
    "applications_bo:application_admissibility": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 400 404",
    },
    "applications_bo:application_decision": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 400 404",
    },
    "applications_bo:application_detail": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:application_export": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:application_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:application_pdf": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:application_start_review": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "applications_bo:attachment_download": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:call_create": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "applications_bo:call_edit": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "applications_bo:call_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:call_overview": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:call_publish": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "applications_bo:sent_email_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "applications_bo:team_email": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "applications_bo:template_create": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "applications_bo:template_edit": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "applications_bo:template_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "backoffice_home": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "datasets:api_get_started": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "datasets:catalogue": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "datasets:dataset_detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "datasets:feedback_thanks": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "datasets:plan": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "datasets:sensor_detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "datasets_bo:feedback_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "datasets_bo:feedback_status": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "datasets_bo:run_detail": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "datasets_bo:run_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "healthz": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "home": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "javascript-catalog": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "jury:declaration": {
        "GET": "login 404 404 404 200 200 404 404",
        "POST": "login 404 404 404 400 400 404 404",
    },
    "jury:home": {
        "GET": "login 404 404 404 200 200 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury:queue": {
        "GET": "login 404 404 404 200 200 404 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury:score": {
        "GET": "login 404 404 404 200 404 404 404",
        "POST": "login 404 404 404 403 404 404 404",
    },
    "jury:score_attachment": {
        "GET": "login 404 404 404 200 404 404 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury:score_autosave": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 400 400 400 404",
    },
    "jury_bo:assignment": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:assignment_add": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:assignment_progress": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:assignment_remove": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:assignment_start": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:audit_csv": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:call": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:conflicts": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:deliberation": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:deliberation_application": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:detect_conflicts": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:dossier_download": {
        "GET": "login 404 404 404 403 403 404 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:dossier_status": {
        "GET": "login 404 404 404 403 403 404 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:dossiers": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "jury_bo:grid": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 403 404",
    },
    "jury_bo:invite": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 400 404",
    },
    "jury_bo:members": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:move_phase": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:progress": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:ranking": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "jury_bo:remind": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:remind_all": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:remove_member": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:resolve_conflict": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "jury_bo:withdraw_invitation": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 404 404",
    },
    "jury_invitation:accept": {
        "GET": "404 404 404 404 404 404 404 404",
        "POST": "404 404 404 404 404 404 404 404",
    },
    "legal_notice": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "mfa_activate_totp": {
        "GET": "login 302 302 302 302 302 302 302",
        "POST": "login 302 302 302 302 302 302 302",
        "PUT": "login 302 302 302 302 302 302 302",
    },
    "mfa_authenticate": {
        "GET": "login 302 302 302 302 302 302 302",
        "POST": "login 302 302 302 302 302 302 302",
    },
    "mfa_deactivate_totp": {
        "GET": "login 404 404 404 302 302 302 404",
        "POST": "login 404 404 404 302 302 302 404",
        "PUT": "login 404 404 404 302 302 302 404",
    },
    "mfa_download_recovery_codes": {
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "login 404 404 404 404 404 404 404",
    },
    "mfa_generate_recovery_codes": {
        "GET": "login 302 302 302 302 302 302 302",
        "POST": "login 302 302 302 302 302 302 302",
        "PUT": "login 302 302 302 302 302 302 302",
    },
    "mfa_index": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "mfa_reauthenticate": {
        "GET": "login 302 302 302 200 200 200 302",
        "POST": "login 302 302 302 200 200 200 302",
        "PUT": "login 302 302 302 200 200 200 302",
    },
    "mfa_view_recovery_codes": {
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "outbox_bo:email_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "outbox_bo:email_retry": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "privacy_notice": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "projects:detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "projects:list": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "set_language": {
        "GET": "302 302 302 302 302 302 302 302",
        "POST": "302 302 302 302 302 302 302 302",
    },
    "workshops:action_edit": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "login 404 404 404 404 404 200 200",
    },
    "workshops:action_status": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "login 404 404 302 404 404 302 302",
    },
    "workshops:actions": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "login 404 404 404 404 404 200 200",
    },
    "workshops:agenda": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:attendance_csv": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:certificate_download": {
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:certificate_lookup": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:certificate_verify": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:checkin": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:checkin_do": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "login 404 404 404 404 404 302 302",
    },
    "workshops:checkin_scan": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "login 404 404 404 404 404 200 200",
    },
    "workshops:checkin_undo": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "login 404 404 404 404 404 302 302",
    },
    "workshops:demoday": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:demoday_jury": {
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "workshops:demoday_jury_score": {
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "login 404 404 404 404 404 404 404",
    },
    "workshops:demoday_pdf": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:demoday_results": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:demoday_vote": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 400 400 400 400 400 400 400",
    },
    "workshops:feed_manage": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 302 302 302 302 302 302 302",
    },
    "workshops:feedback": {
        "GET": "login 404 200 200 404 404 404 404",
        "POST": "login 404 200 200 404 404 404 404",
    },
    "workshops:invitation_answer": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 404 404 302 404 404 404 404",
    },
    "workshops:invitations": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 405 405 405 405 405 405 405",
    },
    # A support published to participants: the workshop's confirmed
    # participants (the team member, and the other team's holder, whose Project
    # attended the demo's DTPR workshop) and those who run it; 404 to others.
    "workshops:material_download": {
        "GET": "404 404 200 200 404 404 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    # Removing it: only those who run the workshop.
    "workshops:material_remove": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "login 404 404 404 404 404 302 302",
    },
    "workshops:materials": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "login 404 404 404 404 404 200 200",
    },
    "workshops:minutes_edit": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "login 404 404 404 404 404 200 200",
    },
    "workshops:my_workshops": {
        "GET": "login 200 200 200 200 200 200 200",
        "POST": "login 405 405 405 405 405 405 405",
    },
    "workshops:private_feed": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:public_feed": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:run": {
        "GET": "login 404 404 404 404 404 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:ticket": {
        "GET": "login 404 200 200 404 404 404 404",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:ticket_qr": {
        "GET": "login 404 200 200 404 404 404 404",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:workshop_cancel": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 404 302 302 404 404 404 404",
    },
    "workshops:workshop_detail": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops:workshop_register": {
        "GET": "login 405 405 405 405 405 405 405",
        "POST": "login 302 302 302 302 302 302 302",
    },
    "workshops_bo:agenda": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "workshops_bo:certificate_run_status": {
        "GET": "login 404 404 404 403 403 404 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "workshops_bo:certificates": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "workshops_bo:demoday": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "workshops_bo:demoday_create": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:demoday_draw": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "workshops_bo:demoday_edit": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:demoday_grid": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 400 404",
    },
    "workshops_bo:demoday_juror_remove": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 404 404",
    },
    "workshops_bo:demoday_jury": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:demoday_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "workshops_bo:demoday_order": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:demoday_order_publish": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "workshops_bo:demoday_results": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "workshops_bo:demoday_results_publish": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "workshops_bo:demoday_session_create": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:demoday_session_edit": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:email": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:feedback": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "workshops_bo:participation": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    # The programme dashboard: organisers (and partners, not a role here).
    "dashboard_bo:dashboard": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "dashboard_bo:partners": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    # The world has no partner and no report: the organiser gets 404.
    "dashboard_bo:partner_revoke": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 404 404",
    },
    "dashboard_bo:report_download": {
        "GET": "login 404 404 404 403 403 404 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    "dashboard_bo:report_request": {
        "GET": "login 404 404 404 405 405 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "dashboard_bo:report_status": {
        "GET": "login 404 404 404 403 403 404 404",
        "POST": "login 404 404 404 405 405 405 404",
    },
    # The map's GeoJSON: public open data.
    "datasets:map_geojson": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "workshops_bo:room_edit": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:room_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:workshop_cancel": {
        "GET": "login 404 404 404 403 403 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "workshops_bo:workshop_create": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:workshop_edit": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:workshop_invite": {
        "GET": "login 404 404 404 403 403 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
    "workshops_bo:workshop_list": {
        "GET": "login 404 404 404 403 403 200 404",
        "POST": "login 404 404 404 403 403 200 404",
    },
    "workshops_bo:workshop_publish": {
        "GET": "login 404 404 404 403 403 405 404",
        "POST": "login 404 404 404 403 403 302 404",
    },
}
