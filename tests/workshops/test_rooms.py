"""Rooms in the back office: list, add, edit, under /gestion/ateliers/salles/."""

import datetime

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from workshops.enums import WorkshopState
from workshops.models import Room

from .factories import RoomFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

LIST = "/gestion/ateliers/salles/"


def edit_url(room):
    return f"/gestion/ateliers/salles/{room.pk}/"


@pytest.mark.parametrize("rooms", [1, 6])
def test_room_list_queries_do_not_grow_with_rooms(
    organiser_client, django_assert_num_queries, rooms
):
    for n in range(rooms):
        room = RoomFactory(name=f"Salle {n:02d}")
        WorkshopFactory(room=room, state=WorkshopState.PUBLISHED)
    # the session with its user, the organiser's role, the rooms with their counts
    with django_assert_num_queries(3):
        response = organiser_client.get(LIST)
    assert response.status_code == 200
    assert [room.upcoming_count for room in response.context["rooms"]] == [1] * rooms


def test_organiser_adds_a_room(organiser_client, organiser):
    response = organiser_client.post(
        LIST,
        {
            "name": "Salle des fêtes",
            "address": "16-20 rue des Batignolles, 75017 Paris",
            "capacity": "80",
            "accessibility": "Accès de plain-pied, boucle magnétique.",
        },
    )
    assert response.status_code == 302
    room = Room.objects.get()
    assert (room.name, room.capacity, room.accessibility) == (
        "Salle des fêtes",
        80,
        "Accès de plain-pied, boucle magnétique.",
    )
    event = AuditEvent.objects.get(verb="workshop.room_created")
    assert event.actor_id == organiser.pk
    assert event.after["capacity"] == 80


def test_organiser_edits_a_room_and_the_change_is_audited(organiser_client):
    room = RoomFactory(name="Salle Moines", capacity=40)
    page = organiser_client.get(LIST).content.decode()
    assert f'href="{edit_url(room)}"' in page

    response = organiser_client.post(
        edit_url(room),
        {
            "name": "Salle Moines (rez-de-chaussée)",
            "address": room.address,
            "capacity": "45",
            "accessibility": "Rampe côté cour.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == LIST
    room.refresh_from_db()
    assert (room.name, room.capacity, room.accessibility) == (
        "Salle Moines (rez-de-chaussée)",
        45,
        "Rampe côté cour.",
    )
    event = AuditEvent.objects.get(verb="workshop.room_updated")
    assert event.before == {
        "name": "Salle Moines",
        "capacity": 40,
        "accessibility": "",
    }
    assert event.after == {
        "name": "Salle Moines (rez-de-chaussée)",
        "capacity": 45,
        "accessibility": "Rampe côté cour.",
    }


def test_a_room_cannot_shrink_below_a_workshop_booked_in_it(organiser_client):
    room = RoomFactory(name="Grande salle", capacity=60)
    WorkshopFactory(
        room=room,
        title="Données et DTPR",
        capacity=50,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=2),
    )

    response = organiser_client.post(
        edit_url(room),
        {"name": room.name, "address": room.address, "capacity": "30"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "«\u00a0Données et DTPR\u00a0» est réservé dans cette salle pour "
        "50 personnes\u00a0: réduisez d’abord la capacité de cet atelier."
    ]
    room.refresh_from_db()
    assert room.capacity == 60
    assert "Données et DTPR" in response.content.decode()


def test_bad_room_input_gets_a_form_error_not_a_500(organiser_client):
    room = RoomFactory()
    response = organiser_client.post(
        edit_url(room), {"name": "", "address": "x", "capacity": "-3"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "capacity"}


def test_rooms_are_for_organisers_only(client, user, settings):
    settings.PORTAL_REQUIRE_MFA = False
    room = RoomFactory()
    anonymous = client.get(edit_url(room))
    assert anonymous.status_code == 302
    assert "/comptes/" in anonymous["Location"] or "login" in anonymous["Location"]

    client.force_login(user)
    assert client.get(LIST).status_code == 404
    assert client.get(edit_url(room)).status_code == 404
    response = client.post(
        edit_url(room), {"name": "Pris", "address": "x", "capacity": "1"}
    )
    assert response.status_code == 404
    room.refresh_from_db()
    assert room.name != "Pris"


def test_unknown_room_answers_404(organiser_client):
    assert organiser_client.get("/gestion/ateliers/salles/999999/").status_code == 404


def test_a_jury_member_is_refused_the_rooms(client, settings):
    """A back-office role that is not an organiser's: 403, nothing saved."""
    from applications.jury.models import JuryMembership
    from tests.applications.factories import CallFactory
    from tests.conftest import make_user

    settings.PORTAL_REQUIRE_MFA = False
    juror = make_user("alix-rooms@example.org", full_name="Alix Roy")
    JuryMembership.objects.create(call=CallFactory(), user=juror)
    room = RoomFactory(name="Salle Lemercier")
    client.force_login(juror)

    assert client.get(LIST).status_code == 403
    assert client.get(edit_url(room)).status_code == 403
    response = client.post(
        edit_url(room), {"name": "Pris", "address": "x", "capacity": "1"}
    )
    assert response.status_code == 403
    room.refresh_from_db()
    assert room.name == "Salle Lemercier"
