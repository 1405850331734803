"""Time the programme dashboard's figures and the annual report's PDF.

    .venv/bin/python bench/dashboard.py [--size 200] [--runs 5]

In the database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/portal_bench; migrated first), inside one
transaction rolled back at the end (nothing is left): builds the two waves of
the dashboard tests (``tests/portal/dashboard/factories.py``) and ``--size``
more of everything (applications with a score sheet, workshops with three
registrations, DemoDays, Projects with a grant, a key and a day of usage,
sensors with a day of quality). Then prints the number of queries and the
median time of ``programme_figures`` over ``--runs`` runs, and the time of
``build_annual_report`` (the worker's job: figures, SVG charts, WeasyPrint),
media in a temporary directory.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"


def _setup(media_root):
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", DEFAULT_DATABASE_URL
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["PORTAL_MEDIA_ROOT"] = str(media_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = str(media_root)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class _Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as media:
        _setup(Path(media))
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from portal.accounts.models import OrganiserRole, User
        from portal.dashboard.models import AnnualReport
        from portal.dashboard.selectors import programme_figures, scope_for
        from portal.dashboard.services import build_annual_report
        from tests.portal.dashboard.factories import NOW, grow, make_programme

        try:
            with transaction.atomic():
                organiser = User.objects.create_user("bench-dashboard@example.org")
                OrganiserRole.objects.create(user=organiser)
                started = time.perf_counter()
                programme = make_programme(organiser)
                grow(programme, organiser, args.size)
                elapsed = time.perf_counter() - started
                print(f"data: size {args.size} in {elapsed:.1f} s")
                scope = scope_for(year=2025, today=NOW.date())
                timings = []
                for _run in range(args.runs):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        programme_figures(scope, now=NOW)
                        timings.append(time.perf_counter() - started)
                print(
                    f"programme_figures: {len(queries)} queries, median "
                    f"{1000 * statistics.median(timings):.0f} ms over {args.runs} runs"
                )
                report = AnnualReport.objects.create(year=2025, requested_by=organiser)
                started = time.perf_counter()
                build_annual_report(report)
                elapsed = time.perf_counter() - started
                size = report.file.size if report.file else 0
                print(
                    f"annual report: {report.state} in {elapsed:.1f} s, "
                    f"{size / 1024:.0f} KiB"
                )
                raise _Rollback
        except _Rollback:
            pass


if __name__ == "__main__":
    main()
