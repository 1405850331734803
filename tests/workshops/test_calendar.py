"""iCalendar: stable UID, rising SEQUENCE, cancellations; the feeds."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user
from workshops.models import CalendarFeed
from workshops.services.calendar import build_calendar
from workshops.services.registration import register
from workshops.services.workshops import cancel_workshop, update_room, update_workshop

from .factories import RoomFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def events_of(content):
    calendar = Calendar.from_ical(content)
    return calendar, list(calendar.walk("VEVENT"))


def ics_of(email):
    return bytes(email.attachments.get().content)


def test_uid_stays_sequence_rises_and_cancel_is_sent(
    organiser, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory()
    user = make_user("cal@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        register(workshop, user=user)
    first = OutgoingEmail.objects.get(idempotency_key__startswith="workshop-confirmed:")
    calendar, (event,) = events_of(ics_of(first))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{workshop.uid}@openbatignolles"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == workshop.starts_at

    workshop.starts_at += datetime.timedelta(hours=1)
    workshop.ends_at += datetime.timedelta(hours=1)
    workshop.registration_closes_at = workshop.starts_at
    update_workshop(workshop, actor=organiser)

    updated = OutgoingEmail.objects.get(idempotency_key__startswith="workshop-updated:")
    assert updated.to == "cal@example.org"
    calendar, (event,) = events_of(ics_of(updated))
    assert str(event["UID"]) == f"{workshop.uid}@openbatignolles"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == workshop.starts_at

    cancel_workshop(workshop, actor=organiser)

    cancelled = OutgoingEmail.objects.get(
        idempotency_key__startswith="workshop-cancelled:"
    )
    calendar, (event,) = events_of(ics_of(cancelled))
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{workshop.uid}@openbatignolles"
    assert int(event["SEQUENCE"]) == 2


def test_a_change_of_text_only_bumps_the_sequence_without_email(organiser):
    workshop = WorkshopFactory()
    register(workshop, user=make_user("quiet@example.org"))
    workshop.description = "Nouvelle description"
    changed = update_workshop(workshop, actor=organiser)
    workshop.refresh_from_db()
    assert changed == ["description"]
    assert workshop.sequence == 1
    assert not OutgoingEmail.objects.filter(
        idempotency_key__startswith="workshop-updated:"
    ).exists()


def test_feed_of_several_events_uses_utc():
    workshops = [WorkshopFactory(room=RoomFactory()) for _ in range(3)]
    calendar, events = events_of(build_calendar(workshops))
    assert [str(e["UID"]) for e in events] == [
        f"{w.uid}@openbatignolles" for w in workshops
    ]
    assert all(e["DTSTART"].to_ical().endswith(b"Z") for e in events)


def test_public_feed_lists_published_not_drafts(client):
    published = WorkshopFactory()
    draft = WorkshopFactory(state="draft")
    response = client.get("/agenda/calendrier.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    uids = [str(e["UID"]) for e in events_of(response.content)[1]]
    assert f"{published.uid}@openbatignolles" in uids
    assert f"{draft.uid}@openbatignolles" not in uids


def test_private_feed_token_create_revoke_regenerate(client, user):
    mine = WorkshopFactory()
    WorkshopFactory()
    register(mine, user=user)
    client.force_login(user)

    client.post("/agenda/calendrier/lien/", {"action": "create"})
    feed = CalendarFeed.objects.get(user=user, revoked_at__isnull=True)
    response = client.get(f"/agenda/calendrier/{feed.token}.ics")
    assert response.status_code == 200
    uids = [str(e["UID"]) for e in events_of(response.content)[1]]
    assert uids == [f"{mine.uid}@openbatignolles"]

    client.post("/agenda/calendrier/lien/", {"action": "regenerate"})
    assert client.get(f"/agenda/calendrier/{feed.token}.ics").status_code == 404
    new = CalendarFeed.objects.get(user=user, revoked_at__isnull=True)
    assert client.get(f"/agenda/calendrier/{new.token}.ics").status_code == 200

    client.post("/agenda/calendrier/lien/", {"action": "revoke"})
    assert client.get(f"/agenda/calendrier/{new.token}.ics").status_code == 404
    assert client.get("/agenda/calendrier/nonsense.ics").status_code == 404


def test_feed_from_cached_events_is_the_same_and_follows_every_change(organiser):
    room = RoomFactory(name="Salle Truffaut", address="rue Truffaut")
    start = timezone.now() + datetime.timedelta(days=20)
    workshops = [
        WorkshopFactory(
            room=room,
            starts_at=start + datetime.timedelta(days=n),
            ends_at=start + datetime.timedelta(days=n, hours=2),
        )
        for n in range(3)
    ]
    first = build_calendar(workshops)
    cache.clear()
    assert build_calendar(workshops) == first  # built, then cached
    assert build_calendar(workshops) == first  # from the cache

    # A change of the workshop: a new SEQUENCE in the feed.
    workshop = workshops[1]
    workshop.title = "Nouveau titre"
    update_workshop(workshop, actor=organiser)
    workshop.refresh_from_db()
    # A change of its room (which does not touch the workshop): a new LOCATION.
    room.name = "Salle Truffaut (1er étage)"
    update_room(room, actor=organiser)
    for item in workshops:
        item.room = room
    _calendar, events = events_of(build_calendar(workshops))

    assert [int(event["SEQUENCE"]) for event in events] == [0, 1, 0]
    assert str(events[1]["SUMMARY"]) == "Nouveau titre"
    assert {str(event["LOCATION"]) for event in events} == {
        "Salle Truffaut (1er étage), rue Truffaut"
    }


def test_feed_with_no_event_is_a_valid_calendar():
    calendar, events = events_of(build_calendar([]))
    assert (str(calendar["VERSION"]), events) == ("2.0", [])
