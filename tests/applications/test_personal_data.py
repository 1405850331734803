from applications.enums import ApplicationState, TeamRole
from applications.models import Application, TeamInvitation
from applications.personal_data import erase_for, export_for
from applications.services import submit_application
from portal.accounts.services import erase_user
from tests.applications.factories import (
    ApplicationFactory,
    TeamMemberFactory,
    make_complete_application,
)


def test_export_lists_the_users_applications_and_submissions(db, user):
    application = make_complete_application(created_by=user)
    submission = submit_application(application, actor=user)

    data = export_for(user)

    assert data["applications"] == [
        {
            "reference": application.reference,
            "call": application.call.slug,
            "state": "submitted",
            "role": "lead",
            "role_in_project": "Cheffe de projet",
            "joined_at": application.team.get().joined_at.isoformat(),
            "title": "Places de livraison en temps réel",
            "organisation_name": "Batignolles Lab",
            "created_by_you": True,
            "submissions": [
                {
                    "number": 1,
                    "submitted_at": submission.submitted_at.isoformat(),
                    "sha256": submission.sha256,
                    "submitted_by_you": True,
                }
            ],
        }
    ]


def test_erase_removes_the_user_from_drafts_and_hands_over_the_lead(db, user):
    shared = ApplicationFactory(created_by=user)
    colleague = TeamMemberFactory(application=shared).user
    alone = ApplicationFactory(created_by=user)
    TeamInvitation.objects.create(
        application=shared, email=user.email, invited_by=colleague
    )

    erase_for(user)

    assert not Application.objects.filter(pk=alone.pk).exists()
    team = list(shared.team.values_list("user_id", "role"))
    assert team == [(colleague.pk, TeamRole.LEAD)]
    assert not TeamInvitation.objects.filter(email=user.email).exists()


def test_erase_anonymises_submitted_applications(db, user):
    application = make_complete_application(created_by=user)
    submit_application(application, actor=user)

    erase_user(user, actor=user)

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    entry = application.submissions.get().content["team"][0]
    assert entry == {
        "name": "",
        "email": f"erased-{user.pk}@invalid.example",
        "role": "lead",
        "job_title": "Cheffe de projet",
    }
