"""Time the jury's ranking page: 500 applications × 15 jurors × 3 sheets.

    .venv/bin/python bench/jury_ranking.py [--requests 20] [--rebuild]

1. makes the bench database ready (created and migrated when missing, as
   ``bench/load_year.py`` does; the year of readings is not needed here);
2. builds, once, the call ``bench-jury-ranking`` in deliberation: 500
   admissible applications, 15 jurors of different severity, a grid of six
   criteria, each application assigned to 3 jurors (loads of 100) with every
   sheet submitted (1,500 sheets, 9,000 scores, a few "not applicable"), and
   one organiser (``--rebuild`` deletes that call and builds it again);
3. requests ``/gestion/jury/bench-jury-ranking/classement/`` in this process
   through Django's test client as the organiser, ``--requests`` distinct
   requests (each with another ``?sort=``, all 500 rows on one page), after
   two warm-up requests, and prints p50, p95 and max, the number of queries
   of each request and the size of the page. Target: p50 under 300 ms.

Environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/portal_bench)
and BENCH_REDIS_URL (redis://127.0.0.1:6379/4), as the other benches.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year  # noqa: E402

SLUG = "bench-jury-ranking"
APPLICATIONS = 500
JURORS = 15
SHEETS_PER_APPLICATION = 3
CRITERIA = [
    ("innovation", 20),
    ("usefulness", 25),
    ("privacy", 20),
    ("feasibility", 15),
    ("co_construction", 10),
    ("sustainability", 10),
]
ORGANISER_EMAIL = "bench-jury-organiser@example.org"
TARGET_MS = 300
SORTS = [
    "-mean",
    "mean",
    "-median",
    "median",
    "-spread",
    "spread",
    "-deviation",
    "deviation",
    "-normalised",
    "normalised",
    "-sheets",
    "sheets",
    "reference",
    "-reference",
    "title",
    "-title",
]


def build(*, out=print):
    """Create the bench call and its jury once; return the organiser."""
    import datetime

    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.utils import timezone

    from applications.enums import ApplicationState, CallPhase
    from applications.jury.models import (
        Assignment,
        Criterion,
        Grid,
        JuryMembership,
        Score,
        ScoreSheet,
    )
    from applications.models import Application, Call, DataCharter
    from portal.accounts.models import OrganiserRole, User

    organiser, _created = User.objects.get_or_create(
        email=ORGANISER_EMAIL, defaults={"full_name": "Bench Jury Organiser"}
    )
    EmailAddress.objects.get_or_create(
        user=organiser,
        email=ORGANISER_EMAIL,
        defaults={"verified": True, "primary": True},
    )
    OrganiserRole.objects.get_or_create(user=organiser)
    if Call.objects.filter(slug=SLUG).exists():
        return organiser
    started = time.monotonic()
    rng = random.Random(2026)
    now = timezone.now()
    with transaction.atomic():
        charter, _created = DataCharter.objects.get_or_create(
            version="bench-1",
            defaults={
                "text_fr": "Charte",
                "text_en": "Charter",
                "published_on": datetime.date(2025, 7, 1),
            },
        )
        call = Call.objects.create(
            slug=SLUG,
            title_fr="Banc d'essai du jury",
            title_en="Jury bench",
            summary_fr="Banc d'essai",
            text_fr="Banc d'essai",
            opens_at=now - datetime.timedelta(days=90),
            closes_at=now - datetime.timedelta(days=60),
            charter=charter,
            phase=CallPhase.DELIBERATION,
        )
        grid = Grid.objects.create(call=call, version=1, locked_at=now)
        criteria = Criterion.objects.bulk_create(
            Criterion(
                grid=grid,
                key=key,
                label_fr=key,
                weight=weight,
                scale_max=5,
                position=position,
            )
            for position, (key, weight) in enumerate(CRITERIA)
        )
        users = User.objects.bulk_create(
            User(email=f"bench-juror-{n}@jury.example", full_name=f"Juré {n:02d}")
            for n in range(JURORS)
        )
        members = JuryMembership.objects.bulk_create(
            JuryMembership(
                call=call, user=user, organisation=f"Partenaire {n}", declared_at=now
            )
            for n, user in enumerate(users)
        )
        # Severity: from -1.5 (severe) to +1.5 points (lenient) on 0-5.
        bias = {m.pk: -1.5 + 3 * n / (JURORS - 1) for n, m in enumerate(members)}
        applications = Application.objects.bulk_create(
            Application(
                call=call,
                reference=f"BENCH-{n:04d}",
                state=ApplicationState.ADMISSIBLE,
                title=f"Projet de banc {n}",
                organisation_name=f"Organisation {n}",
            )
            for n in range(APPLICATIONS)
        )
        assignments = Assignment.objects.bulk_create(
            Assignment(
                membership=members[(n * SHEETS_PER_APPLICATION + k) % JURORS],
                application=application,
            )
            for n, application in enumerate(applications)
            for k in range(SHEETS_PER_APPLICATION)
        )
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(assignment=a, grid=grid, submitted_at=now, updated_at=now)
            for a in assignments
        )
        quality = {a.pk: rng.uniform(0.5, 4.5) for a in applications}
        scores = []
        for sheet in sheets:
            assignment = sheet.assignment
            for criterion in criteria:
                if rng.random() < 0.03:
                    scores.append(
                        Score(sheet=sheet, criterion=criterion, not_applicable=True)
                    )
                    continue
                value = quality[assignment.application.pk]
                value += bias[assignment.membership.pk] + rng.gauss(0, 0.7)
                scores.append(
                    Score(
                        sheet=sheet,
                        criterion=criterion,
                        value=max(0, min(5, round(value))),
                    )
                )
        Score.objects.bulk_create(scores, batch_size=2000)
    out(
        f"Built {SLUG}: {len(applications)} applications, {len(members)} jurors, "
        f"{len(sheets)} sheets, {len(scores)} scores in "
        f"{time.monotonic() - started:.1f} s"
    )
    return organiser


def measure(organiser, *, requests, out=print):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(organiser)
    url = reverse("jury_bo:ranking", kwargs={"slug": SLUG})
    for sort in SORTS[:2]:
        client.get(url, {"sort": sort})  # warm-up
    timings, queries, sizes = [], [], []
    for n in range(requests):
        sort = SORTS[n % len(SORTS)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, {"sort": sort, "r": n})
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}?sort={sort} answered {response.status_code}")
        timings.append(elapsed * 1000)
        queries.append(len(captured.captured_queries))
        sizes.append(len(response.content))
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    out(f"Ranking page, {requests} distinct requests ({url}):")
    out(f"  p50 {p50:.0f} ms · p95 {p95:.0f} ms · max {timings[-1]:.0f} ms")
    out(
        f"  queries per request: {sorted(set(queries))} · page {max(sizes) // 1024} KiB"
    )
    verdict = "PASS" if p50 < TARGET_MS else "FAIL"
    out(f"  {verdict}: target p50 < {TARGET_MS} ms")
    return p50, p95, queries


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    env = load_year.configure_environment()
    load_year.ensure_database(env["DATABASE_URL"])
    load_year.migrate(env)

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if args.rebuild:
        from applications.jury.models import Dossier
        from applications.models import Application, Call, Project

        call = Call.objects.filter(slug=SLUG).first()
        if call is not None:
            Project.objects.filter(application__call=call).delete()
            Dossier.objects.filter(call=call).delete()
            call.jury.all().delete()
            call.grids.all().delete()
            Application.objects.filter(call=call).delete()
            call.delete()
    organiser = build()
    measure(organiser, requests=args.requests)


if __name__ == "__main__":
    main()
