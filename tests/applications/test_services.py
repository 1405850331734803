import pytest

from applications.enums import APPLICATION_TRANSITIONS, ApplicationState
from applications.services import ApplicationStateError, change_state
from portal.audit.models import AuditEvent
from tests.applications.factories import ApplicationFactory

ALLOWED = [
    (before, after)
    for before, targets in APPLICATION_TRANSITIONS.items()
    for after in targets
]
REFUSED = [
    (before, after)
    for before, targets in APPLICATION_TRANSITIONS.items()
    for after in ApplicationState
    if after not in targets
]


@pytest.mark.parametrize(("before", "after"), ALLOWED)
def test_change_state_allowed_transition_saves_and_audits(db, before, after):
    application = ApplicationFactory(state=before)
    actor = application.created_by

    change_state(application, after, actor=actor, reason="Hors périmètre")

    application.refresh_from_db()
    assert application.state == after
    event = AuditEvent.objects.for_object(application).get()
    assert event.verb == f"application.{after.value}"
    assert event.actor == actor
    assert event.before == {"state": before.value}
    assert event.after["state"] == after.value


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_change_state_refused_transition_raises_and_changes_nothing(
    db, before, after
):
    application = ApplicationFactory(state=before)

    with pytest.raises(ApplicationStateError):
        change_state(application, after, actor=application.created_by, reason="x")

    application.refresh_from_db()
    assert application.state == before
    assert not AuditEvent.objects.for_object(application).exists()


def test_change_state_inadmissible_without_reason_is_refused(db):
    application = ApplicationFactory(state=ApplicationState.SUBMITTED)

    with pytest.raises(ApplicationStateError):
        change_state(
            application, ApplicationState.INADMISSIBLE, actor=None, reason="  "
        )

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_change_state_inadmissible_keeps_the_reason(db):
    application = ApplicationFactory(state=ApplicationState.SUBMITTED)

    change_state(
        application,
        ApplicationState.INADMISSIBLE,
        actor=None,
        reason="Hors du périmètre des Batignolles",
    )

    application.refresh_from_db()
    assert application.inadmissibility_reason == "Hors du périmètre des Batignolles"


def test_save_draft_merges_fields_and_reports_conflicts(db):
    from applications.services import save_draft

    application = ApplicationFactory(title="Départ", problem="")
    actor = application.created_by
    save_draft(application, actor=actor, values={"title": "A"}, base_version=1)

    result = save_draft(
        application,
        actor=actor,
        values={"title": "B", "problem": "Bruit"},
        base_version=1,
    )

    application.refresh_from_db()
    assert result.conflicts == {"title": "A"}
    assert result.saved == ["problem"]
    assert (application.title, application.problem) == ("A", "Bruit")
    assert application.field_versions == {"title": 2, "problem": 3}


def test_create_application_refuses_an_ineligible_applicant(db, user):
    from applications.models import Application
    from applications.services import NotEligibleError, create_application
    from tests.applications.factories import CallFactory

    call = CallFactory(eligible_types=["association"])

    with pytest.raises(NotEligibleError) as excinfo:
        create_application(
            call,
            actor=user,
            applicant_type="startup",
            uses_dataset=True,
            in_perimeter=True,
        )

    assert len(excinfo.value.reasons) == 1
    assert Application.objects.count() == 0


def test_invite_member_twice_or_a_member_is_refused(db):
    from applications.services import TeamError, invite_member

    application = ApplicationFactory()
    lead = application.created_by
    invite_member(application, actor=lead, email="sami@example.org")

    with pytest.raises(TeamError):
        invite_member(application, actor=lead, email="SAMI@example.org")
    with pytest.raises(TeamError):
        invite_member(application, actor=lead, email=lead.email)


def test_accept_invitation_twice_is_refused(db):
    from applications.services import TeamError, accept_invitation
    from tests.applications.factories import TeamInvitationFactory, UserFactory

    invitee = UserFactory(email="sami@example.org")
    invitation = TeamInvitationFactory(email="sami@example.org")
    accept_invitation(invitation, user=invitee)

    with pytest.raises(TeamError):
        accept_invitation(invitation, user=invitee)
    assert invitation.application.team.filter(user=invitee).count() == 1


def test_remove_member_refuses_the_lead(db):
    from applications.enums import TeamRole
    from applications.services import TeamError, remove_member

    application = ApplicationFactory()
    lead = application.team.get(role=TeamRole.LEAD)

    with pytest.raises(TeamError):
        remove_member(lead, actor=application.created_by)
    assert application.team.count() == 1


@pytest.mark.django_db
def test_retained_application_becomes_one_project(django_user_model):
    from applications.enums import ProjectState
    from applications.models import Project
    from applications.services import create_project

    organiser = django_user_model.objects.create_user(email="org@example.org")
    application = ApplicationFactory(
        state=ApplicationState.UNDER_REVIEW,
        title="Baromètre du bruit nocturne",
        summary="Un baromètre par rue.",
    )

    change_state(
        application, ApplicationState.RETAINED, actor=organiser, feedback="Bravo"
    )
    again = create_project(application, actor=organiser)

    project = Project.objects.get()
    assert again == project
    assert project.application == application
    assert project.slug == "barometre-du-bruit-nocturne"
    assert project.name == "Baromètre du bruit nocturne"
    assert project.summary == "Un baromètre par rue."
    assert project.state == ProjectState.ACTIVE
