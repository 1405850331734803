import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from applications.enums import ApplicationState
from applications.jury.models import JuryMembership
from applications.permissions import (
    can_edit_application,
    can_manage_team,
    can_view_application,
    is_team_lead,
    is_team_member,
)
from applications.services import submit_application
from tests.applications.factories import (
    ApplicationFactory,
    AttachmentFactory,
    TeamMemberFactory,
    UserFactory,
    make_complete_application,
)
from tests.conftest import make_user

ROLES = ("lead", "member", "outsider", "organiser", "juror", "unverified", "anonymous")


def person(role, application):
    if role == "anonymous":
        return AnonymousUser()
    if role == "lead":
        return application.created_by
    if role == "member":
        return TeamMemberFactory(application=application).user
    if role == "unverified":
        user = make_user("pas-verifie@example.org", verified=False)
        TeamMemberFactory(application=application, user=user)
        return user
    user = UserFactory()
    if role == "organiser":
        from portal.accounts.models import OrganiserRole

        OrganiserRole.objects.create(user=user)
    if role == "juror":
        JuryMembership.objects.create(call=application.call, user=user)
    return user


# role: (is_team_member, is_team_lead, can_view, can_edit, can_manage_team)
SUBMITTED_TABLE = {
    "lead": (True, True, True, True, True),
    "member": (True, False, True, True, False),
    "outsider": (False, False, False, False, False),
    "organiser": (False, False, True, False, False),
    # A juror reads only through the jury's pages (assigned, not conflicted).
    "juror": (False, False, False, False, False),
    "unverified": (True, False, True, False, False),
    "anonymous": (False, False, False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_predicates_truth_table_on_a_submitted_application(db, role):
    application = ApplicationFactory(state=ApplicationState.SUBMITTED)
    user = person(role, application)

    result = tuple(
        predicate(user, application)
        for predicate in (
            is_team_member,
            is_team_lead,
            can_view_application,
            can_edit_application,
            can_manage_team,
        )
    )

    assert result == SUBMITTED_TABLE[role]


@pytest.mark.parametrize(
    ("state", "juror_sees", "team_edits"),
    [
        (ApplicationState.DRAFT, False, True),
        (ApplicationState.SUBMITTED, False, True),
        (ApplicationState.UNDER_REVIEW, False, False),
        (ApplicationState.WITHDRAWN, False, False),
        (ApplicationState.RETAINED, False, False),
    ],
)
def test_predicates_depend_on_the_state(db, state, juror_sees, team_edits):
    application = ApplicationFactory(state=state)
    juror = person("juror", application)

    assert can_view_application(juror, application) is juror_sees
    assert can_edit_application(application.created_by, application) is team_edits


def pages(application, attachment):
    reference = application.reference
    return {
        "detail": ("get", reverse("applications:application_detail", args=[reference])),
        "edit": ("get", reverse("applications:application_edit", args=[reference])),
        "autosave": ("json", reverse("applications:autosave", args=[reference])),
        "team": ("get", reverse("applications:team", args=[reference])),
        "submit": ("get", reverse("applications:submit", args=[reference])),
        "withdraw": ("get", reverse("applications:withdraw", args=[reference])),
        "receipt": ("get", reverse("applications:receipt", args=[reference, 1])),
        "attachment": (
            "get",
            reverse(
                "applications:attachment_download", args=[reference, attachment.pk]
            ),
        ),
        "upload": ("post", reverse("applications:attachment_upload", args=[reference])),
    }


EXPECTED = {
    "member": {
        "detail": 200,
        "edit": 200,
        "autosave": 200,
        "team": 200,
        "submit": 200,
        "withdraw": 200,
        "receipt": 200,
        "attachment": 200,
        "upload": 302,
    },
    "outsider": dict.fromkeys(
        (
            "detail",
            "edit",
            "autosave",
            "team",
            "submit",
            "withdraw",
            "receipt",
            "attachment",
            "upload",
        ),
        404,
    ),
    "organiser": {
        "detail": 200,
        "edit": 403,
        "autosave": 403,
        "team": 403,
        "submit": 403,
        "withdraw": 403,
        "receipt": 200,
        "attachment": 200,
        "upload": 403,
    },
    # A seat on the jury opens no applicant page: the juror's guess of a
    # reference finds nothing (the jury's own pages check the assignment).
    "juror": {
        "detail": 404,
        "edit": 404,
        "autosave": 404,
        "team": 404,
        "submit": 404,
        "withdraw": 404,
        "receipt": 404,
        "attachment": 404,
        "upload": 404,
    },
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_every_applicant_page_member_outsider_organiser_juror(client, db, role):
    application = make_complete_application()
    submit_application(application, actor=application.created_by)
    attachment = application.attachments.get()
    user = person(role, application)
    client.force_login(user)

    statuses = {}
    for name, (method, url) in pages(application, attachment).items():
        if method == "get":
            response = client.get(url)
        elif method == "json":
            response = client.post(
                url,
                data={"version": 1, "fields": {}},
                content_type="application/json",
            )
        else:
            response = client.post(url, {"kind": "other"})
        statuses[name] = response.status_code

    assert statuses == EXPECTED[role]


def test_attachment_of_another_application_is_404_even_for_a_member(client, db):
    mine = ApplicationFactory()
    theirs = AttachmentFactory()
    client.force_login(mine.created_by)

    response = client.get(
        reverse(
            "applications:attachment_download", args=[mine.reference, theirs.pk]
        )
    )

    assert response.status_code == 404


def test_my_applications_lists_only_mine_with_next_steps(client, user, other_user):
    mine = ApplicationFactory(created_by=user, title="Rues calmes")
    submitted = ApplicationFactory(
        created_by=user, title="Bancs", state=ApplicationState.SUBMITTED
    )
    ApplicationFactory(created_by=other_user, title="Pas à moi")
    client.force_login(user)

    response = client.get("/en/appels/mes-candidatures/")

    html = response.content.decode()
    assert mine.reference in html and submitted.reference in html
    assert "Pas à moi" not in html
    assert "Complete it and submit it before" in html
    assert "Submitted. You may still change it and submit again until" in html


def test_my_applications_query_count_is_constant(
    client, user, django_assert_num_queries
):
    ApplicationFactory(created_by=user)
    client.force_login(user)
    client.get(reverse("applications:my_applications"))  # warm the session

    with django_assert_num_queries(2) as small:
        client.get(reverse("applications:my_applications"))
    ApplicationFactory.create_batch(8, created_by=user)
    with django_assert_num_queries(2) as large:
        response = client.get(reverse("applications:my_applications"))

    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(response.context["applications"]) == 9


def test_my_applications_needs_login(client, db):
    response = client.get(reverse("applications:my_applications"))
    assert response.status_code == 302
