"""The DemoDay's running order: the seeded draw and the timetable, pure.

No database and no Django here, so that the public page's snippet is the very
algorithm the portal runs. The draw, step by step:

1. the Projects that pitch are sorted by their address (slug), in code-point
   order (Python's ``sorted``);
2. ``random.Random(seed).shuffle`` mixes that list, ``seed`` the published
   string (Python 3 seeds a ``Random`` from a string through SHA-512, the same
   on every machine);
3. with the grouping by theme, the shuffled list is then sorted, stably, by
   the rank of each Project's first theme in ``THEME_ORDER`` (Projects without a
   theme last): inside a theme the drawn order holds.

The timetable then shares the pitches between the sessions (ordered by their
start): each session takes ``ceil(remaining pitches / remaining sessions)``,
so the first sessions take one more when the count does not divide. Inside a
session, pitches follow each other from its start, each lasting the pitch
plus the questions, with a break after every ``break_every`` pitches (never
after the session's last pitch).
"""

import datetime
import math
import random
from dataclasses import dataclass

# The themes of ``applications.enums.Theme``, in their declared order.
THEME_ORDER = (
    "mobility",
    "tranquillity",
    "energy",
    "cleanliness",
    "pedestrian_flows",
    "parking",
)


def draw_order(slugs, seed, *, themes=None):
    """Return the drawn order of ``slugs`` (a list of strings) under ``seed``.

    ``themes`` maps a slug to its first theme (or "") when the pitches are
    grouped by theme; None draws without grouping.
    """
    order = sorted(slugs)
    random.Random(seed).shuffle(order)
    if themes is not None:

        def rank(slug):
            theme = themes.get(slug, "")
            return (
                THEME_ORDER.index(theme) if theme in THEME_ORDER else len(THEME_ORDER)
            )

        order.sort(key=rank)
    return order


@dataclass(frozen=True)
class PlannedSlot:
    session: object  # whatever identifies the session for the caller
    position: int
    kind: str  # "pitch" or "break"
    slug: str  # the Project's slug for a pitch, "" for a break
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class TimetableOverflow(ValueError):
    """The pitches do not fit in a session: ``session`` ends before ``ends_at``."""

    def __init__(self, session, ends_at):
        super().__init__(f"{session} overflows until {ends_at.isoformat()}")
        self.session = session
        self.ends_at = ends_at


def plan_timetable(
    order,
    sessions,
    *,
    pitch_minutes,
    questions_minutes,
    break_every=0,
    break_minutes=0,
):
    """Return the ``PlannedSlot`` list of ``order`` across ``sessions``.

    ``sessions`` is a list of ``(key, starts_at, ends_at)`` in start order.
    Raises ``TimetableOverflow`` when a session's pitches end after it.
    """
    slots = []
    remaining = list(order)
    pitch = datetime.timedelta(minutes=pitch_minutes + questions_minutes)
    pause = datetime.timedelta(minutes=break_minutes)
    for index, (key, starts_at, ends_at) in enumerate(sessions):
        share = math.ceil(len(remaining) / (len(sessions) - index))
        mine, remaining = remaining[:share], remaining[share:]
        moment = starts_at
        position = 1
        for count, slug in enumerate(mine, start=1):
            slots.append(
                PlannedSlot(key, position, "pitch", slug, moment, moment + pitch)
            )
            moment += pitch
            position += 1
            if break_every and count % break_every == 0 and count < len(mine):
                slots.append(
                    PlannedSlot(key, position, "break", "", moment, moment + pause)
                )
                moment += pause
                position += 1
        if moment > ends_at:
            raise TimetableOverflow(key, moment)
    return slots
