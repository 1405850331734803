"""``python manage.py simulate_readings``: store simulated readings up to now."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from datasets.ingestion import SimulatorSource, ingest


class Command(BaseCommand):
    help = (
        "Simulate the reference sensors for the last DAYS days up to now and "
        "ingest the readings (idempotent: periods already stored are skipped)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, days, seed, **options):
        end = timezone.now()
        start = end - datetime.timedelta(days=days)
        seed = settings.PORTAL_SIMULATOR_SEED if seed is None else seed
        run = ingest(SimulatorSource(start, end, seed=seed))
        self.stdout.write(
            f"Run #{run.pk} {run.status}: received {run.received}, "
            f"accepted {run.accepted}, already stored {run.duplicates}, "
            f"rejected {run.rejected}"
        )
