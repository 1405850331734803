"""Inviting jurors: one email through the outbox, the link, the right account,
withdrawing an invitation and removing a member."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from applications.jury.models import JuryInvitation, JuryMembership
from applications.jury.services.membership import (
    MembershipError,
    invite_juror,
    remove_juror,
)
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import UserFactory

from .factories_membership import (
    closed_call,
    deposited,
    make_grid,
    make_juror,
    start_sheet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return closed_call(slug="ami-jury", title_fr="AMI Jury", title_en="Jury call")


def accept_url(invitation):
    return reverse("jury_invitation:accept", kwargs={"token": invitation.token})


def test_invite_from_members_page_queues_one_email(organiser_client, call):
    response = organiser_client.post(
        reverse("jury_bo:invite", kwargs={"slug": call.slug}),
        {"email": " Helene.Dubois@Mairie.example ", "organisation": "Mairie du 17e"},
    )
    assert response.status_code == 302
    invitation = JuryInvitation.objects.get()
    assert (invitation.email, invitation.organisation) == (
        "helene.dubois@mairie.example",
        "Mairie du 17e",
    )
    row = OutgoingEmail.objects.get()
    assert (row.idempotency_key, row.kind, row.to, row.language, row.about) == (
        f"jury-invitation:{invitation.pk}",
        "jury_invitation",
        "helene.dubois@mairie.example",
        "fr",
        "ami-jury",
    )
    link = settings.SITE_URL + f"/invitation-jury/{invitation.token}/"
    english_link = settings.SITE_URL + f"/en/invitation-jury/{invitation.token}/"
    # French first, the English below.
    assert row.subject.endswith(" / Invitation to the jury of “Jury call”")
    french, english = row.body.split("\n\n----------\n\n")
    assert link in french
    assert english == (
        "Hello,\n\n"
        "The OpenBatignolles programme invites you to sit on the jury of the call "
        "“Jury call”.\n"
        "You are invited on behalf of: Mairie du 17e.\n\n"
        "To accept, sign in (or create an account) with the address "
        "helene.dubois@mairie.example, then open this link:\n"
        f"{english_link}\n\n"
        "Before reading any application you will declare your organisation and "
        "your conflicts of interest. Jury pages require two-factor "
        "authentication.\n\n"
        "The OpenBatignolles team"
    )
    event = AuditEvent.objects.get(verb="jury.juror_invited")
    assert event.after == {
        "email": "helene.dubois@mairie.example",
        "organisation": "Mairie du 17e",
    }


def test_invitation_in_the_known_language_of_the_invitee(organiser, call):
    UserFactory(email="karim@parisandco.example", language="en")
    invite_juror(
        call, email="karim@parisandco.example", organisation="", actor=organiser
    )
    row = OutgoingEmail.objects.get()
    assert row.language == "en"
    assert row.subject == "[OpenBatignolles] Invitation to the jury of “Jury call”"
    assert "----------" not in row.body
    assert row.body.startswith("Hello,\n\nThe OpenBatignolles programme invites you")


def test_invite_twice_is_refused_and_sends_once(organiser, call):
    invite_juror(call, email="a@cci.example", organisation="CCI", actor=organiser)
    with pytest.raises(MembershipError) as error:
        invite_juror(call, email="A@cci.example", organisation="CCI", actor=organiser)
    assert error.value.code == "already_invited"
    assert OutgoingEmail.objects.count() == 1


def test_invite_a_member_is_refused(organiser, call):
    make_juror(call, email="b@cci.example")
    with pytest.raises(MembershipError) as error:
        invite_juror(call, email="b@cci.example", organisation="", actor=organiser)
    assert error.value.code == "already_member"
    assert OutgoingEmail.objects.count() == 0


def test_invalid_invite_form_answers_400(organiser_client, call):
    response = organiser_client.post(
        reverse("jury_bo:invite", kwargs={"slug": call.slug}),
        {"email": "not an email", "organisation": "x" * 500},
    )
    assert response.status_code == 400
    assert JuryInvitation.objects.count() == 0


def test_link_accepted_by_the_invited_account_creates_the_seat(client, organiser, call):
    invitation = invite_juror(
        call, email="sophie@cci.example", organisation="CCI Paris", actor=organiser
    )
    juror = UserFactory(email="sophie@cci.example")
    client.force_login(juror)

    page = client.get(accept_url(invitation))
    assert page.status_code == 200
    assert 'type="submit"' in page.content.decode()

    response = client.post(accept_url(invitation))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "jury:declaration", kwargs={"slug": call.slug}
    )
    membership = JuryMembership.objects.get()
    assert (membership.call, membership.user, membership.organisation) == (
        call,
        juror,
        "CCI Paris",
    )
    assert membership.declared_at is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditEvent.objects.filter(verb="jury.invitation_accepted").count() == 1

    again = client.post(accept_url(invitation))
    assert again.status_code == 410
    assert JuryMembership.objects.count() == 1


def test_link_with_the_wrong_account_says_which_email(client, organiser, call):
    invitation = invite_juror(
        call, email="sophie@cci.example", organisation="", actor=organiser
    )
    client.force_login(UserFactory(email="someone@else.example"))
    with translation.override("en"):
        url = reverse("jury_invitation:accept", kwargs={"token": invitation.token})
    page = client.get(url).content.decode()
    assert (
        "This invitation was sent to sophie@cci.example. Sign in with that address"
        in page
    )
    response = client.post(url, follow=True)
    assert "This invitation was sent to sophie@cci.example." in (
        response.content.decode()
    )
    assert JuryMembership.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_link_with_an_unverified_address_is_refused(client, organiser, call):
    invitation = invite_juror(
        call, email="sophie@cci.example", organisation="", actor=organiser
    )
    client.force_login(UserFactory(email="sophie@cci.example", verified=False))
    client.post(accept_url(invitation))
    assert JuryMembership.objects.count() == 0


def test_link_anonymous_is_told_to_sign_in(client, organiser, call):
    invitation = invite_juror(
        call, email="sophie@cci.example", organisation="", actor=organiser
    )
    with translation.override("en"):
        url = reverse("jury_invitation:accept", kwargs={"token": invitation.token})
    page = client.get(url)
    assert page.status_code == 200
    assert "This invitation was sent to sophie@cci.example." in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert JuryMembership.objects.count() == 0


def test_unknown_token_answers_404(client):
    response = client.get("/invitation-jury/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert client.get("/invitation-jury/not-a-token/").status_code == 404


def test_withdrawn_invitation_link_stops_working(organiser_client, client, call):
    organiser = organiser_client.get("/").wsgi_request.user
    invitation = invite_juror(
        call, email="sophie@cci.example", organisation="", actor=organiser
    )
    response = organiser_client.post(
        reverse(
            "jury_bo:withdraw_invitation",
            kwargs={"slug": call.slug, "pk": invitation.pk},
        )
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(verb="jury.invitation_withdrawn").count() == 1

    client.force_login(UserFactory(email="sophie@cci.example"))
    assert client.post(accept_url(invitation)).status_code == 410
    assert JuryMembership.objects.count() == 0
    # Invited again after the withdrawal: a new invitation, a new email.
    invite_juror(call, email="sophie@cci.example", organisation="", actor=organiser)
    assert OutgoingEmail.objects.count() == 2


def test_remove_member_who_has_not_scored(organiser_client, call):
    membership = make_juror(call, email="jp@habitants.example")
    response = organiser_client.post(
        reverse(
            "jury_bo:remove_member", kwargs={"slug": call.slug, "pk": membership.pk}
        )
    )
    assert response.status_code == 302
    assert JuryMembership.objects.count() == 0
    event = AuditEvent.objects.get(verb="jury.juror_removed")
    assert event.before["email"] == "jp@habitants.example"


def test_remove_member_who_has_scored_is_refused(organiser, call):
    membership = make_juror(call, email="jp@habitants.example")
    start_sheet(membership, deposited(call), make_grid(call))
    with pytest.raises(MembershipError) as error:
        remove_juror(membership, actor=organiser)
    assert error.value.code == "has_scored"
    assert JuryMembership.objects.count() == 1


def test_other_calls_invitation_answers_404(organiser_client, organiser, call):
    other = closed_call()
    invitation = invite_juror(
        other, email="x@y.example", organisation="", actor=organiser
    )
    response = organiser_client.post(
        reverse(
            "jury_bo:withdraw_invitation",
            kwargs={"slug": call.slug, "pk": invitation.pk},
        )
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
