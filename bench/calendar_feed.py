"""Time building a calendar feed of 500 events (``icalendar``).

    .venv/bin/python bench/calendar_feed.py [--events 500] [--repeat 10]

Builds ``--events`` workshops in memory (not saved: the feed's cost is the
iCalendar serialisation; the query is one ``select_related`` read) and times
``build_calendar`` ``--repeat`` times; prints p50 and max and the feed's size.
No database is needed.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    load_year.configure_environment()

    import django

    django.setup()
    from django.utils import timezone

    from workshops.models import Room, Workshop
    from workshops.services.calendar import build_calendar

    room = Room(name="Salle des fêtes", address="16-20 rue des Batignolles")
    start = timezone.now()
    workshops = []
    for n in range(args.events):
        begins = start + datetime.timedelta(days=n // 4, hours=2 * (n % 4))
        workshop = Workshop(
            slug=f"atelier-{n}",
            title=f"Atelier {n} : les données du quartier",
            description="Découvrir les données et leurs fiches DTPR. " * 5,
            room=room,
            starts_at=begins,
            ends_at=begins + datetime.timedelta(hours=2),
            capacity=30,
            registration_opens_at=start,
            registration_closes_at=begins,
            state="published",
            sequence=n % 3,
        )
        workshops.append(workshop)
    build_calendar(workshops[:10])  # warm-up
    timings = []
    size = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        content = build_calendar(workshops)
        timings.append((time.perf_counter() - started) * 1000)
        size = len(content)
    print(f"Calendar feed of {args.events} events, {args.repeat} builds:")
    print(
        f"  p50 {statistics.median(timings):.0f} ms · max {max(timings):.0f} ms · "
        f"{size / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
