"""The public agenda and the back office: pages, actions, roles, queries."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user
from tests.datasets.conftest import make_project
from workshops.enums import InvitationAnswer, RegistrationState, WorkshopFormat
from workshops.models import (
    FacilitatorBooking,
    ProjectInvitation,
    Registration,
    Workshop,
)
from workshops.services.registration import register

from .factories import RegistrationFactory, RoomFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def detail(workshop):
    return reverse("workshops:workshop_detail", kwargs={"slug": workshop.slug})


# --- Public pages, per role ----------------------------------------------------------


def test_agenda_lists_published_workshops_and_milestones(client):
    published = WorkshopFactory(title="Atelier publié")
    WorkshopFactory(title="Brouillon caché", state="draft")
    response = client.get("/agenda/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Atelier publié" in content
    assert "Brouillon caché" not in content
    assert detail(published) in content


def test_draft_page_404_for_everyone_but_organisers(user, organiser):
    draft = WorkshopFactory(state="draft")
    client = Client()
    assert client.get(detail(draft)).status_code == 404
    client.force_login(user)
    assert client.get(detail(draft)).status_code == 404
    client.force_login(organiser)
    assert client.get(detail(draft)).status_code == 200


def test_anonymous_is_sent_to_log_in(client):
    workshop = WorkshopFactory()
    page = client.get(detail(workshop)).content.decode()
    assert "/comptes/" in page or "login" in page
    response = client.post(
        reverse("workshops:workshop_register", kwargs={"slug": workshop.slug})
    )
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert not Registration.objects.exists()
    assert client.get("/agenda/mes-ateliers/").status_code == 302
    assert client.get("/agenda/invitations/").status_code == 302


def test_resident_registers_and_cancels_from_the_page(client, user):
    workshop = WorkshopFactory()
    client.force_login(user)
    response = client.post(
        reverse("workshops:workshop_register", kwargs={"slug": workshop.slug})
    )
    assert response.status_code == 302
    registration = Registration.objects.get(workshop=workshop, user=user)
    assert registration.state == RegistrationState.CONFIRMED
    page = client.get("/agenda/mes-ateliers/").content.decode()
    assert workshop.title in page

    client.post(reverse("workshops:workshop_cancel", kwargs={"slug": workshop.slug}))
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CANCELLED


def test_unverified_account_cannot_register(client):
    person = make_user("nv@example.org", verified=False)
    workshop = WorkshopFactory()
    client.force_login(person)
    client.post(reverse("workshops:workshop_register", kwargs={"slug": workshop.slug}))
    assert not Registration.objects.exists()


def test_cancel_without_registration_is_404(client, user):
    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop)  # someone else's
    client.force_login(user)
    response = client.post(
        reverse("workshops:workshop_cancel", kwargs={"slug": workshop.slug})
    )
    assert response.status_code == 404
    assert Registration.objects.get().state == RegistrationState.CONFIRMED


def test_my_workshops_shows_waiting_position(client, user):
    workshop = WorkshopFactory(capacity=1)
    register(workshop, user=make_user("first@example.org"))
    register(workshop, user=make_user("second@example.org"))
    register(workshop, user=user)
    client.force_login(user)
    page = client.get("/agenda/mes-ateliers/").content.decode()
    assert "position 2" in page


# --- The online link window ------------------------------------------------


def test_online_link_only_for_confirmed_from_30_minutes_before(
    client, user, other_user
):
    start = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    workshop = WorkshopFactory(
        format=WorkshopFormat.ONLINE,
        room=None,
        online_url="https://visio.example.org/atelier-secret",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=1,
    )
    register(workshop, user=user)
    register(workshop, user=other_user)  # waiting
    link = "visio.example.org/atelier-secret"

    with freeze_time(start - datetime.timedelta(minutes=31)):
        client.force_login(user)
        assert link not in client.get(detail(workshop)).content.decode()
    with freeze_time(start - datetime.timedelta(minutes=30)):
        client.force_login(user)
        assert link in client.get(detail(workshop)).content.decode()
        client.force_login(other_user)
        assert link not in client.get(detail(workshop)).content.decode()
        client.logout()
        assert link not in client.get(detail(workshop)).content.decode()
    with freeze_time(start + datetime.timedelta(hours=2)):
        client.force_login(user)
        assert link not in client.get(detail(workshop)).content.decode()


# --- Invitations ------------------------------------------------


def test_bulk_invitation_and_team_answer(organiser_client, client):
    lead = make_user("lead@example.org")
    project = make_project(lead, "Trottoirs vivants")
    other_lead = make_user("other-lead@example.org")
    make_project(other_lead, "Autre projet")
    workshop = WorkshopFactory()

    response = organiser_client.post(
        reverse("workshops_bo:workshop_invite", kwargs={"pk": workshop.pk}),
        {"call": project.application.call_id},
    )
    assert response.status_code == 302
    invitation = ProjectInvitation.objects.get(workshop=workshop)
    assert invitation.project == project
    assert OutgoingEmail.objects.filter(
        idempotency_key__startswith="workshop-invitation:", to="lead@example.org"
    ).exists()

    # Another team's member cannot answer: 404.
    client.force_login(other_lead)
    url = reverse("workshops:invitation_answer", kwargs={"pk": invitation.pk})
    assert client.post(url, {"answer": "accepted"}).status_code == 404

    client.force_login(lead)
    assert "Trottoirs vivants" in client.get("/agenda/invitations/").content.decode()
    client.post(url, {"answer": "accepted"})
    invitation.refresh_from_db()
    assert invitation.answer == InvitationAnswer.ACCEPTED
    registration = Registration.objects.get(workshop=workshop, user=lead)
    assert (registration.seat, registration.project) == ("project", project)


# --- Back office ------------------------------------------------


def form_data(room, **overrides):
    start = (timezone.localtime() + datetime.timedelta(days=20)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    data = {
        "title": "Atelier mobilité",
        "title_en": "Mobility workshop",
        "slug": "atelier-mobilite",
        "description": "Les données de trafic.",
        "description_en": "",
        "theme": "",
        "call": "",
        "format": "in_person",
        "room": room.pk,
        "online_url": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "30",
        "audience": "both",
        "project_seats": "5",
        "resident_seats": "5",
        "registration_opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "registration_closes_at": start.strftime("%Y-%m-%dT%H:%M"),
        "reminders": "7j, 1j, 2h",
    }
    data.update(overrides)
    return data


def test_organiser_creates_publishes_and_cancels(organiser_client, organiser):
    room = RoomFactory()
    data = form_data(room, facilitators=[organiser.pk])
    response = organiser_client.post("/gestion/ateliers/nouveau/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    workshop = Workshop.objects.get(slug="atelier-mobilite")
    assert workshop.state == "draft"
    assert workshop.reminder_offsets == [10080, 1440, 120]
    assert timezone.localtime(workshop.starts_at).hour == 18
    booking = FacilitatorBooking.objects.get(workshop=workshop)
    assert (booking.facilitator, booking.starts_at) == (organiser, workshop.starts_at)

    organiser_client.post(f"/gestion/ateliers/{workshop.pk}/publier/")
    workshop.refresh_from_db()
    assert (workshop.state, workshop.sequence) == ("published", 1)

    organiser_client.post(
        f"/gestion/ateliers/{workshop.pk}/annuler/", {"confirm": "yes"}
    )
    workshop.refresh_from_db()
    assert workshop.state == "cancelled"
    assert FacilitatorBooking.objects.get(workshop=workshop).active is False


def test_form_validation_messages(organiser_client):
    room = RoomFactory()
    data = form_data(
        room,
        ends_at=form_data(room)["starts_at"],
        project_seats="20",
        resident_seats="20",
        format="online",
        reminders="7 semaines",
    )
    response = organiser_client.post("/gestion/ateliers/nouveau/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"ends_at", "project_seats", "online_url", "reminders"}
    assert not Workshop.objects.exists()


def test_room_overlap_shown_on_the_room_field(organiser_client):
    room = RoomFactory()
    organiser_client.post("/gestion/ateliers/nouveau/", form_data(room))
    data = form_data(room, slug="autre-atelier", title="Autre atelier")
    response = organiser_client.post("/gestion/ateliers/nouveau/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["room"] == [
        "Cette salle est déjà réservée pour un autre atelier à ce moment-là."
    ] or form.errors["room"] == [
        "This room is already booked for another workshop at that time."
    ]
    assert form["title"].value() == "Autre atelier"
    assert Workshop.objects.count() == 1


def test_facilitator_overlap_shown_on_the_facilitators_field(
    organiser_client, organiser
):
    organiser_client.post(
        "/gestion/ateliers/nouveau/",
        form_data(RoomFactory(), facilitators=[organiser.pk]),
    )
    data = form_data(RoomFactory(), slug="en-meme-temps", facilitators=[organiser.pk])
    response = organiser_client.post("/gestion/ateliers/nouveau/", data)
    assert response.status_code == 200
    assert "facilitators" in response.context["form"].errors
    assert Workshop.objects.count() == 1


def test_edit_time_emails_the_confirmed_an_update(organiser_client):
    workshop = WorkshopFactory(slug="atelier-a-deplacer")
    register(workshop, user=make_user("moved@example.org"))
    data = form_data(workshop.room, slug=workshop.slug)
    response = organiser_client.post(f"/gestion/ateliers/{workshop.pk}/", data)
    assert response.status_code == 302
    email = OutgoingEmail.objects.get(idempotency_key__startswith="workshop-updated:")
    assert email.to == "moved@example.org"
    workshop.refresh_from_db()
    assert workshop.sequence == 1


def test_room_page(organiser_client):
    response = organiser_client.post(
        "/gestion/ateliers/salles/",
        {
            "name": "Salle des fêtes",
            "address": "16-20 rue des Batignolles",
            "capacity": "80",
        },
    )
    assert response.status_code == 302
    assert (
        "Salle des fêtes"
        in organiser_client.get("/gestion/ateliers/salles/").content.decode()
    )


@pytest.mark.parametrize(
    "url",
    [
        "/gestion/ateliers/",
        "/gestion/ateliers/nouveau/",
        "/gestion/ateliers/salles/",
    ],
)
def test_back_office_refuses_residents_and_teams(client, user, url, settings):
    settings.PORTAL_REQUIRE_MFA = False
    lead = make_user("team@example.org")
    make_project(lead)
    for person in (None, user, lead):
        client.logout()
        if person:
            client.force_login(person)
        assert client.get(url).status_code in (302, 403, 404)


def test_back_office_actions_refuse_non_organisers(client, user, settings):
    settings.PORTAL_REQUIRE_MFA = False
    workshop = WorkshopFactory(state="draft")
    client.force_login(user)
    for action in ("publier", "annuler", "inviter"):
        response = client.post(f"/gestion/ateliers/{workshop.pk}/{action}/")
        assert response.status_code in (403, 404)
    workshop.refresh_from_db()
    assert workshop.state == "draft"


# --- Query counts at two sizes ------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_agenda_queries_do_not_grow(client, django_assert_max_num_queries, size):
    for _ in range(size):
        WorkshopFactory()
    with django_assert_max_num_queries(8):
        assert client.get("/agenda/").status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_back_office_list_queries_do_not_grow(
    organiser_client, django_assert_max_num_queries, size
):
    for _ in range(size):
        RegistrationFactory(workshop=WorkshopFactory())
    with django_assert_max_num_queries(14):
        assert organiser_client.get("/gestion/ateliers/").status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_my_workshops_queries_do_not_grow(
    client, user, django_assert_max_num_queries, size
):
    for _ in range(size):
        RegistrationFactory(user=user, workshop=WorkshopFactory(capacity=1))
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get("/agenda/mes-ateliers/").status_code == 200


def test_history_in_sentences_on_the_edit_page(organiser_client, organiser):
    workshop = WorkshopFactory(capacity=1)
    first = make_user("first@example.org", full_name="Inès Dupont")
    second = make_user("second@example.org", full_name="Paul Martin")
    registration = register(workshop, user=first)
    register(workshop, user=second)
    from workshops.services.registration import cancel_registration

    cancel_registration(registration, actor=first)
    page = organiser_client.get(f"/gestion/ateliers/{workshop.pk}/").content.decode()
    assert "Paul Martin" in page
    assert "workshop.promoted" not in page
    from workshops.audit import workshop_history

    sentences = [text for _event, text in workshop_history(workshop)]
    assert len(sentences) == 4
    assert all("workshop." not in text for text in sentences)


def test_hostile_form_input_gets_errors_not_500(organiser_client):
    room = RoomFactory()
    data = form_data(
        room,
        capacity="99999999999999999999",
        starts_at="9999-99-99T99:99",
        project_seats="-4",
        reminders="999999999d, x" * 20,
        online_url="javascript:alert(1)",
        format="hybrid",
    )
    response = organiser_client.post("/gestion/ateliers/nouveau/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"capacity", "starts_at", "project_seats", "online_url"}
    assert not Workshop.objects.exists()


def test_unknown_workshop_answers_404(client, user):
    client.force_login(user)
    assert client.get("/agenda/nulle-part/").status_code == 404
    response = client.post("/agenda/nulle-part/inscription/")
    assert response.status_code == 404
    assert client.post("/agenda/invitations/999999/repondre/").status_code == 404


def _post_register(client, workshop):
    return client.post(
        reverse("workshops:workshop_register", kwargs={"slug": workshop.slug})
    )


def test_registration_post_queries_are_pinned(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The registration POST does only what its redirect needs: the session
    with its user (one query), then ONE call of ``workshops_register`` that
    reads the workshop by its slug, checks that registration is open, the
    address and the team,
    takes the seat or a place on the waiting list, writes the registration
    and its audit event and counts the position for the message. The email
    is built after the commit, outside the request, by a sweep that the
    commit wakes up."""
    workshop = WorkshopFactory(capacity=1)
    first = make_user("pinned-1@example.org")
    second = make_user("pinned-2@example.org")

    client.force_login(first)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        # the session with its user, workshops_register()
        with django_assert_num_queries(2):
            response = _post_register(client, workshop)
    assert response.status_code == 302
    assert response["Location"] == f"/agenda/{workshop.slug}/"
    assert len(callbacks) == 1
    assert OutgoingEmail.objects.count() == 0

    client.force_login(second)
    # The same when no seat is free: the waiting list is in the same call.
    with django_assert_num_queries(2):
        response = _post_register(client, workshop)
    assert response.status_code == 302
    states = dict(
        Registration.objects.filter(workshop=workshop).values_list(
            "user__email", "state"
        )
    )
    assert states == {
        "pinned-1@example.org": RegistrationState.CONFIRMED,
        "pinned-2@example.org": RegistrationState.WAITLISTED,
    }
    page = client.get(detail(workshop)).content.decode()
    assert "position 1" in page
