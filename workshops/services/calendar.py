"""iCalendar (.ics) of the workshops, built with the ``icalendar`` library.

Every event keeps the same UID (``<workshop.uid>@openbatignolles``) for its
whole life; its SEQUENCE is ``workshop.sequence``, which rises on every
change, so calendar clients replace the old version. A cancelled workshop is
sent with METHOD:CANCEL and STATUS:CANCELLED.

Feeds of hundreds of events: each VEVENT's bytes are cached (Redis, the
project's resilient cache) under a fingerprint of everything written in it,
so a feed is rebuilt only for the events that changed; any change (a new
SEQUENCE, a room renamed, another site URL) gives a new fingerprint. Redis
down: the events are built, as without a cache.
"""

import datetime
import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from ..enums import WorkshopState

PRODID = "-//OpenBatignolles//Ateliers//FR"
UID_DOMAIN = "openbatignolles"


def event_uid(workshop):
    return f"{workshop.uid}@{UID_DOMAIN}"


def workshop_url(workshop):
    return settings.SITE_URL + reverse(
        "workshops:workshop_detail", kwargs={"slug": workshop.slug}
    )


def workshop_location(workshop):
    """The place in words: the room and its address, or "online"."""
    parts = []
    if workshop.room_id:
        parts.append(f"{workshop.room.name}, {workshop.room.address}")
    if workshop.format != "in_person":
        parts.append("En ligne / Online")
    return " — ".join(parts)


def workshop_event(workshop):
    """The VEVENT of ``workshop`` (times in UTC; the link is never written in:
    it is shown on the portal from 30 minutes before the start)."""
    event = Event()
    event.add("uid", event_uid(workshop))
    event.add("sequence", workshop.sequence)
    event.add("dtstamp", workshop.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", workshop.starts_at.astimezone(datetime.UTC))
    event.add("dtend", workshop.ends_at.astimezone(datetime.UTC))
    event.add("summary", workshop.title)
    url = workshop_url(workshop)
    event.add("description", f"{workshop.description}\n\n{url}".strip())
    event.add("url", url)
    location = workshop_location(workshop)
    if location:
        event.add("location", location)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText("OpenBatignolles")
    event.add("organizer", organizer)
    cancelled = workshop.state == WorkshopState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


# A VEVENT's bytes never change for a fingerprint: kept a week after last use.
EVENT_CACHE_SECONDS = 7 * 24 * 3600
EVENT_CACHE_VERSION = "1"
_CALENDAR_END = b"END:VCALENDAR\r\n"


def event_fingerprint(workshop):
    """The cache key of ``workshop``'s VEVENT: a hash of every value written
    in it (``workshop_event``)."""
    room = workshop.room if workshop.room_id else None
    values = (
        EVENT_CACHE_VERSION,
        workshop.uid,
        workshop.sequence,
        workshop.updated_at.isoformat(),
        workshop.starts_at.isoformat(),
        workshop.ends_at.isoformat(),
        workshop.state,
        workshop.format,
        workshop.slug,
        workshop.title,
        workshop.description,
        room.name if room else "",
        room.address if room else "",
        settings.SITE_URL,
        settings.DEFAULT_FROM_EMAIL,
    )
    digest = hashlib.blake2b(
        "\x1f".join(str(value) for value in values).encode(), digest_size=20
    ).hexdigest()
    return f"ics-event:{digest}"


def build_calendar(workshops, *, method=None, name="OpenBatignolles"):
    """Return the bytes of a VCALENDAR holding one VEVENT per workshop (each
    taken from the cache when it is there, see the module's docstring)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    head = calendar.to_ical()
    workshops = list(workshops)
    if not workshops:
        return head
    keys = [event_fingerprint(workshop) for workshop in workshops]
    cached = cache.get_many(keys)
    blocks, built = [], {}
    for workshop, key in zip(workshops, keys, strict=True):
        block = cached.get(key)
        if block is None:
            block = built[key] = workshop_event(workshop).to_ical()
        blocks.append(block)
    if built:
        cache.set_many(built, EVENT_CACHE_SECONDS)
    return head[: -len(_CALENDAR_END)] + b"".join(blocks) + _CALENDAR_END


def invitation_ics(workshop):
    """The attachment of an email about ``workshop``: (filename, bytes, mime).

    METHOD:REQUEST while the workshop stands, METHOD:CANCEL once cancelled.
    """
    method = "CANCEL" if workshop.state == WorkshopState.CANCELLED else "REQUEST"
    content = build_calendar([workshop], method=method)
    return (
        f"{workshop.slug}.ics",
        content,
        f"text/calendar; method={method}; charset=utf-8",
    )


def cancellation_ics(workshop):
    """A METHOD:CANCEL for one person who left a workshop that still stands."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL")
    event = workshop_event(workshop)
    event["status"] = vText("CANCELLED")
    calendar.add_component(event)
    return (
        f"{workshop.slug}.ics",
        calendar.to_ical(),
        "text/calendar; method=CANCEL; charset=utf-8",
    )
