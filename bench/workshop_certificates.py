"""Time the certificates of attendance of a workshop of 300 attendees.

    .venv/bin/python bench/workshop_certificates.py [--attendees 300] [--json]

Creates a throw-away workshop ``bench-certificats`` in the database named by
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench;
migrated first) with ``--attendees`` confirmed, checked-in registrations, then
runs the worker's task ``workshops.build_certificates`` in this process (as
the worker runs it: WeasyPrint in batches, one PDF per certificate stored
under MEDIA_ROOT, a temporary directory here) while a second thread reads the
run's progress from the database every 0.2 s, as the organisers' page polls
it. Prints the total time, the time per certificate and the progress seen;
``--json`` adds one last line ``RESULT {...}`` for ``bench/run_all.py``. The
workshop, its users and files are deleted at the end.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
SLUG = "bench-certificats"
DOMAIN = "bench-certificats.example"


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
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from celery import current_app

    current_app.conf.task_always_eager = True
    current_app.conf.task_eager_propagates = True
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _cleanup():
    from portal.accounts.models import User
    from workshops.models import Room, Workshop

    Workshop.objects.filter(slug=SLUG).delete()
    Room.objects.filter(name=SLUG).delete()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _seed(attendees):
    """The workshop (ended yesterday) and its checked-in attendees."""
    import datetime

    from django.utils import timezone

    from portal.accounts.models import User
    from workshops.enums import RegistrationState, Seat, WorkshopState
    from workshops.models import Registration, Room, Workshop

    starts_at = (timezone.now() - datetime.timedelta(days=1)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    room = Room.objects.create(
        name=SLUG, address="Mairie du 17e, 16-20 rue des Batignolles", capacity=400
    )
    workshop = Workshop.objects.create(
        slug=SLUG,
        title="Découvrir les données et leurs fiches DTPR (mesure)",
        room=room,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        capacity=attendees,
        registration_opens_at=starts_at - datetime.timedelta(days=30),
        registration_closes_at=starts_at,
        state=WorkshopState.PUBLISHED,
    )
    users = User.objects.bulk_create(
        User(email=f"p{number}@{DOMAIN}", full_name=f"Participante {number:03d}")
        for number in range(attendees)
    )
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            user=user,
            seat=Seat.RESIDENT,
            state=RegistrationState.CONFIRMED,
            confirmed_at=starts_at - datetime.timedelta(days=3),
            checked_in_at=starts_at + datetime.timedelta(minutes=number % 20),
        )
        for number, user in enumerate(users)
    )
    return workshop


def _watch(run_id, samples, stop):
    """Read the run's progress as the organisers' page does, from its own
    database connection."""
    from django.db import connection

    from workshops.models import CertificateRun

    try:
        while not stop.is_set():
            run = CertificateRun.objects.filter(pk=run_id).first()
            if run is not None and (not samples or samples[-1] != run.done):
                samples.append(run.done)
            time.sleep(0.2)
    finally:
        connection.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as media_root:
        _setup(media_root)
        from django.utils import translation

        from workshops.enums import CertificateRunState
        from workshops.models import Certificate, CertificateRun
        from workshops.services.certificates import BATCH
        from workshops.tasks import build_certificates_task

        _cleanup()
        try:
            workshop = _seed(args.attendees)
            run = CertificateRun.objects.create(workshop=workshop)
            samples, stop = [], threading.Event()
            watcher = threading.Thread(target=_watch, args=(run.pk, samples, stop))
            watcher.start()
            started = time.perf_counter()
            cpu_started = time.process_time()
            with translation.override("fr"):
                state = build_certificates_task.delay(run_id=run.pk).get()
            seconds = time.perf_counter() - started
            # The poller thread's share is a few queries: negligible.
            cpu = time.process_time() - cpu_started
            stop.set()
            watcher.join()
            run.refresh_from_db()
            files = Certificate.objects.filter(registration__workshop=workshop)
            stored = files.exclude(file="").count()
            size = sum(
                (Path(media_root) / name).stat().st_size
                for name in files.values_list("file", flat=True)
            )
            per = seconds / max(stored, 1)
            print(
                f"{stored} certificates in {seconds:.2f} s "
                f"({per * 1000:.1f} ms per certificate; batches of {BATCH}; "
                f"{size / 2**20:.1f} MB of PDF)"
            )
            print(f"CPU of the process: {cpu:.2f} s; load average {os.getloadavg()}")
            print(f"Run state: {state}; progress seen by a poller: {samples}")
            ok = state == CertificateRunState.DONE and stored == args.attendees
            if args.json:
                print(
                    "RESULT "
                    + json.dumps(
                        {
                            "certificates": stored,
                            "seconds": round(seconds, 3),
                            "cpu_seconds": round(cpu, 3),
                            "ms_per_certificate": round(per * 1000, 2),
                            "progress_samples": samples,
                            "ok": ok,
                        }
                    )
                )
            return 0 if ok else 1
        finally:
            _cleanup()


if __name__ == "__main__":
    sys.exit(main())
