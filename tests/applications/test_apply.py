import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState, TeamRole
from applications.models import Application, TeamInvitation, TeamMember
from portal.audit.models import AuditEvent
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.conftest import make_user

ELIGIBLE = {
    "applicant_type": "association",
    "uses_dataset": "yes",
    "in_perimeter": "yes",
}


def test_apply_eligible_creates_a_draft_with_a_lead_and_a_reference(client, user):
    call = CallFactory(slug="ami-2")
    client.force_login(user)

    response = client.post(reverse("applications:apply", args=[call.slug]), ELIGIBLE)

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "applications:application_edit", args=[application.reference]
    )
    assert application.reference == "AMI2-0001"
    assert application.state == ApplicationState.DRAFT
    assert application.applicant_type == "association"
    lead = TeamMember.objects.get(application=application)
    assert (lead.user, lead.role) == (user, TeamRole.LEAD)
    assert AuditEvent.objects.filter(verb="application.created").count() == 1


def test_apply_references_are_numbered_within_the_call(client, user):
    call = CallFactory(slug="ami-2")
    ApplicationFactory(call=call, reference="AMI2-0001")
    client.force_login(user)

    client.post(reverse("applications:apply", args=[call.slug]), ELIGIBLE)

    assert Application.objects.filter(created_by=user).get().reference == "AMI2-0002"


def test_apply_ineligible_is_told_why_and_nothing_is_created(client, user):
    call = CallFactory(eligible_types=["startup", "association"])
    client.force_login(user)

    response = client.post(
        f"/en/appels/{call.slug}/candidater/",
        {"applicant_type": "company", "uses_dataset": "no", "in_perimeter": "no"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "You cannot apply to this call" in html
    assert "open to the following applicant types only: Start-up, Association" in html
    assert "at least one of the OpenBatignolles datasets" in html
    assert "serve the Batignolles neighbourhood" in html
    assert Application.objects.count() == 0


def test_apply_unverified_user_cannot_create(client, db):
    person = make_user("nouveau@example.org", verified=False)
    call = CallFactory()
    client.force_login(person)

    response = client.post(reverse("applications:apply", args=[call.slug]), ELIGIBLE)

    assert response.status_code == 200
    assert "account/verified_email_required.html" in [
        template.name for template in response.templates
    ]
    assert Application.objects.count() == 0


def test_apply_anonymous_is_sent_to_login(client, db):
    call = CallFactory()
    response = client.get(reverse("applications:apply", args=[call.slug]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_apply_closed_call_is_refused(client, user):
    now = timezone.now()
    call = CallFactory(
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(seconds=1),
    )
    client.force_login(user)

    response = client.post(reverse("applications:apply", args=[call.slug]), ELIGIBLE)

    assert response.status_code == 302
    assert Application.objects.count() == 0


def test_edit_page_shows_every_section_and_the_extra_questions(client, user):
    application = ApplicationFactory(created_by=user)
    from tests.applications.factories import ExtraQuestionFactory

    ExtraQuestionFactory(
        call=application.call, label_en="How many volunteers?", kind="number"
    )
    client.force_login(user)

    response = client.get(f"/en/appels/candidatures/{application.reference}/modifier/")

    html = response.content.decode()
    assert response.status_code == 200
    for title in (
        "Organisation",
        "Project",
        "Requested datasets",
        "Privacy and AI",
        "Co-construction",
        "Impact",
        "Maturity, milestones and sustainability",
        "Questions of the call",
        "Declarations",
        "Attachments",
    ):
        assert f">{title}</h2>" in html
    assert "How many volunteers?" in html
    assert 'name="draft_token"' in html
    assert f'name="version" value="{application.version}"' in html
    assert 'src="/static/js/autosave.js"' in html


def test_edit_plain_post_saves_without_javascript(client, user):
    application = ApplicationFactory(created_by=user)
    dataset = application.call.datasets.get(slug="pedestrian-flows")
    client.force_login(user)

    response = client.post(
        reverse("applications:application_edit", args=[application.reference]),
        {
            "version": application.version,
            "title": "Rues calmes",
            "themes": ["tranquillity", "mobility"],
            f"dataset_{dataset.pk}": "on",
            f"dataset_{dataset.pk}_purpose": "Compter les passants le soir.",
            f"dataset_{dataset.pk}_granularity": "15min",
            "impact_indicator_1": "Plaintes pour bruit",
            "siret": "732 829 320 00074",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Rues calmes"
    assert application.themes == ["mobility", "tranquillity"]
    assert application.impact_indicators == ["Plaintes pour bruit"]
    assert application.siret == "73282932000074"
    row = application.requested_datasets.get()
    assert (row.dataset, row.purpose, row.granularity) == (
        dataset,
        "Compter les passants le soir.",
        "15min",
    )


def test_edit_plain_post_invalid_siret_is_reported_and_other_fields_saved(
    client, user
):
    application = ApplicationFactory(created_by=user, title="")
    client.force_login(user)

    response = client.post(
        f"/en/appels/candidatures/{application.reference}/modifier/",
        {
            "version": application.version,
            "title": "Rues calmes",
            "siret": "12345678901234",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This SIRET number is not valid (check digit)" in html
    assert 'value="12345678901234"' in html
    application.refresh_from_db()
    assert application.title == "Rues calmes"
    assert application.siret == ""


def test_team_lead_invites_and_the_invitee_accepts(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(created_by=user)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("applications:team", args=[application.reference]),
            {"email": "Sami@Example.org"},
        )

    invitation = TeamInvitation.objects.get()
    assert invitation.email == "sami@example.org"
    assert len(mailoutbox) == 1
    link = next(
        line.removeprefix(settings.SITE_URL)
        for line in mailoutbox[0].body.splitlines()
        if str(invitation.token) in line
    )
    assert link.endswith(f"/appels/invitations/{invitation.token}/")
    assert mailoutbox[0].to == ["sami@example.org"]

    invitee = make_user("sami@example.org")
    client.force_login(invitee)
    response = client.post(link)

    assert response.status_code == 302
    member = TeamMember.objects.get(application=application, user=invitee)
    assert member.role == TeamRole.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    edit = client.get(
        reverse("applications:application_edit", args=[application.reference])
    )
    assert edit.status_code == 200


def test_invitation_accepted_by_another_address_is_refused(client, user, other_user):
    application = ApplicationFactory(created_by=user)
    invitation = TeamInvitation.objects.create(
        application=application, email="sami@example.org", invited_by=user
    )
    client.force_login(other_user)

    response = client.post(
        f"/en/appels/invitations/{invitation.token}/",
    )

    assert "This invitation was sent to sami@example.org" in response.content.decode()
    assert not TeamMember.objects.filter(user=other_user).exists()


def test_team_lead_removes_a_member_but_not_themself(client, user):
    application = ApplicationFactory(created_by=user)
    member = TeamMemberFactory(application=application)
    lead = application.team.get(role=TeamRole.LEAD)
    client.force_login(user)

    client.post(
        reverse("applications:team_remove", args=[application.reference, member.pk])
    )
    client.post(
        reverse("applications:team_remove", args=[application.reference, lead.pk])
    )

    assert list(application.team.values_list("user_id", flat=True)) == [user.pk]
    assert AuditEvent.objects.filter(verb="application.member_removed").count() == 1


def test_team_member_cannot_invite_or_remove(client, db):
    application = ApplicationFactory()
    member = TeamMemberFactory(application=application, user=UserFactory())
    client.force_login(member.user)

    invite = client.post(
        reverse("applications:team", args=[application.reference]),
        {"email": "x@example.org"},
    )
    lead = application.team.get(role=TeamRole.LEAD)
    remove = client.post(
        reverse("applications:team_remove", args=[application.reference, lead.pk])
    )

    assert (invite.status_code, remove.status_code) == (403, 403)
    assert TeamInvitation.objects.count() == 0
    assert application.team.count() == 2
