"""Time building a calendar feed of 500 events (``icalendar``).

    .venv/bin/python bench/calendar_feed.py [--events 500] [--repeat 10]

Builds ``--events`` workshops in memory (not saved: the feed's cost is the
iCalendar serialisation; the query is one ``select_related`` read) and times
``build_calendar`` ``--repeat`` times, each "cold" (the events' cache of the
bench's Redis emptied first: every VEVENT serialised by ``icalendar``) and
"warm" (every VEVENT from the cache, as when a feed is fetched again with
nothing changed); also one build with one event in ten changed. Prints p50
and max, the CPU time, the feed's size and the load average. No database is
needed; the bench's Redis (BENCH_REDIS_URL) is.
"""

import argparse
import datetime
import os
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
    from django.core.cache import cache

    from workshops.services.calendar import event_fingerprint

    build_calendar(workshops[:10])  # warm-up (imports)

    def timed(prepare):
        wall, cpu, content = [], [], b""
        for _ in range(args.repeat):
            prepare()
            started, cpu_started = time.perf_counter(), time.process_time()
            content = build_calendar(workshops)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        return wall, cpu, content

    def forget_all():
        cache.delete_many([event_fingerprint(workshop) for workshop in workshops])

    def change_one_in_ten():
        for workshop in workshops[::10]:
            workshop.sequence += 1

    one, five, _ = os.getloadavg()
    print(
        f"Calendar feed of {args.events} events, {args.repeat} builds each "
        f"(load average {one:.2f} / {five:.2f}):"
    )
    cold = timed(forget_all)
    build_calendar(workshops)
    warm = timed(lambda: None)
    some = timed(change_one_in_ten)
    for label, (wall, cpu, content) in [
        ("cold, no event cached", cold),
        ("warm, every event cached", warm),
        ("one event in ten changed", some),
    ]:
        print(
            f"  {label}: p50 {statistics.median(wall):.0f} ms · max {max(wall):.0f} "
            f"ms · CPU p50 {statistics.median(cpu):.0f} ms · "
            f"{len(content) / 1024:.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
