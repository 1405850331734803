"""Demo data for the datasets app (called by ``seed_demo``; idempotent)."""

import datetime

from django.conf import settings
from django.utils import timezone

from .enums import FeedbackStatus, IngestionSource, IngestionStatus, SensorStatus
from .ingestion import FileSource, SimulatorSource, ingest, last_cursor
from .ingestion.sources import jsonl_records
from .models import Dataset, Feedback, IngestionRun, Sensor
from .quality import refresh_quality
from .rollups import paris_day, paris_midnight
from .services import seed_catalogue
from .simulator import align, sensor_specs

FEEDBACK = [
    (
        "PED-003",
        "Ce capteur filme-t-il les passants ? Je vois une petite caméra sur le mât.",
        FeedbackStatus.ANSWERED,
    ),
    (
        "SND-004",
        "Merci pour ces mesures : le bruit des terrasses rue des Dames le vendredi "
        "soir est vraiment pénible, j'espère que ces données serviront.",
        FeedbackStatus.NEW,
    ),
    (
        "LUM-002",
        "Le lampadaire devant le 12 reste très sombre vers 3 h, même quand on passe.",
        FeedbackStatus.NEW,
    ),
    (
        None,
        "Combien de temps gardez-vous les données de stationnement ?",
        FeedbackStatus.CLOSED,
    ),
]

# A partner's file import with a few mistakes, so the back office shows how
# bad records are refused (record values are shifted to the import day).
SAMPLE_FILE_LINES = [
    '{"sensor": "PED-001", "metric": "pedestrians_in", "value": 31, "unit": "persons"}',
    '{"sensor": "PED-099", "metric": "pedestrians_in", "value": 4}',
    '{"sensor": "SND-001", "metric": "laeq", "value": 250}',
    '{"sensor": "VEH-001", "metric": "cars", "value": 9, "plate": "AB-123-CD"}',
    "PED-001;pedestrians_out;12",
]


class _DemoFileSource(FileSource):
    def __init__(self, moment):
        self.moment = moment
        self.path = None
        self.file_format = "jsonl"

    def describe(self):
        return "file partner-export.jsonl (jsonl)"

    def records(self):
        stamp = self.moment.isoformat()
        for raw in jsonl_records(SAMPLE_FILE_LINES):
            if isinstance(raw, dict):
                raw["period_start"] = stamp
            yield raw


class _ProgressSource:
    """A source that reports, every tenth of the sensors, how far it went.

    The simulator yields sensor after sensor, so the share of sensors done is
    the share of the work done (the rollups follow, in SQL).
    """

    def __init__(self, source, stdout):
        self.source = source
        self.stdout = stdout
        self.kind = source.kind
        self.cursor_before = source.cursor_before
        self.cursor_after = source.cursor_after
        self.sensors = sum(1 for spec in sensor_specs() if spec["active"])

    def describe(self):
        return self.source.describe()

    def records(self):
        seen = set()
        reported = 0
        count = 0
        for record in self.source.records():
            if record["sensor"] not in seen:
                seen.add(record["sensor"])
                done = (len(seen) - 1) * 100 // self.sensors
                if done >= reported + 10:
                    reported = done - done % 10
                    self._report(reported, len(seen) - 1, count)
            count += 1
            yield record
        self._report(100, len(seen), count)
        self.stdout.write("      Hourly and daily rollups, data quality...")

    def _report(self, percent, sensors, count):
        readings = f"{count:,}".replace(",", "\u202f")
        self.stdout.write(
            f"      Readings: {percent:3d} % ({sensors}/{self.sensors} sensors, "
            f"{readings} readings simulated)"
        )


def seed_datasets(*, accounts, days, stdout):
    """Seed the catalogue and ``days`` days of simulated readings up to now.

    Idempotent: the simulator resumes from its last cursor, so a second call
    within the same quarter hour stores nothing and creates no run.
    """
    counts = seed_catalogue()
    now = timezone.now()
    end = align(now)
    start = paris_midnight(paris_day(now) - datetime.timedelta(days=days))
    resume = last_cursor(IngestionSource.SIMULATOR)
    covered_from = (
        IngestionRun.objects.filter(
            source=IngestionSource.SIMULATOR, status=IngestionStatus.SUCCEEDED
        )
        .order_by("cursor_before")
        .values_list("cursor_before", flat=True)
        .first()
    )
    if resume and covered_from and covered_from <= start:
        begin = max(start, resume)
    else:
        begin = start  # history not covered yet: the whole range (no duplicates)
    stored = 0
    if begin < end:
        source = SimulatorSource(begin, end, seed=settings.PORTAL_SIMULATOR_SEED)
        if end - begin > datetime.timedelta(days=1):  # long enough to report on
            source = _ProgressSource(source, stdout)
        run = ingest(source)
        stored = run.accepted
        silent = list(
            Sensor.objects.exclude(status=SensorStatus.ACTIVE).values_list(
                "id", flat=True
            )
        )
        refresh_quality(sensor_ids=silent, start=begin, end=end)
    if not IngestionRun.objects.filter(source=IngestionSource.FILE).exists():
        ingest(_DemoFileSource(end - datetime.timedelta(hours=2)))

    residents = accounts.get("residents") or []
    sensors = {s.code: s for s in Sensor.objects.all()}
    parking = Dataset.objects.filter(slug="parking-occupancy").first()
    for index, (code, message, status) in enumerate(FEEDBACK):
        author = residents[index % len(residents)] if residents else None
        sensor = sensors.get(code) if code else None
        Feedback.objects.get_or_create(
            message=message,
            defaults={
                "sensor": sensor,
                "dataset": sensor.datasets.first() if sensor else parking,
                "name": author.full_name if author else "",
                "email": author.email if author else "",
                "author": author,
                "status": status,
                "created_at": now - datetime.timedelta(days=index + 1, hours=3),
            },
        )
    stdout.write(
        f"Datasets: {counts['datasets']} datasets, {counts['sensors']} sensors on "
        f"{counts['streets']} streets; {stored} new readings "
        f"({days} days of simulated history)."
    )
