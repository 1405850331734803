"""The one ingestion service: validate raw records one by one, store, roll up.

A source yields raw records (dicts with ``sensor``, ``metric``,
``period_start``, ``value`` and optionally ``unit``) or ``Malformed`` markers.
Each record is either stored, counted as already stored, or rejected with a
reason; nothing stops a run but an unreachable upstream, which marks the run
failed, keeps what was stored and leaves the cursor where it was.
"""

import datetime
import logging
import math

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..enums import IngestionStatus
from ..models import IngestionRun, Metric, Reading, Sensor
from ..quality import refresh_quality
from ..rollups import refresh_rollups

logger = logging.getLogger(__name__)

QUARTER = datetime.timedelta(minutes=15)
BATCH_SIZE = 5000
MAX_SAMPLE_ERRORS = 20
ALLOWED_FIELDS = frozenset(
    {"sensor", "metric", "period_start", "value", "unit", "dataset", "period_end"}
)
REQUIRED_FIELDS = ("sensor", "metric", "period_start", "value")

# Rejection reasons, with the label organisers read.
REJECTION_REASONS = {
    "malformed": _("Malformed record"),
    "forbidden_field": _("Unexpected field (audio, image or identifier refused)"),
    "unknown_sensor": _("Unknown sensor"),
    "unknown_metric": _("Unknown metric"),
    "metric_not_fed": _("Metric not fed by this sensor"),
    "wrong_unit": _("Wrong unit"),
    "out_of_range": _("Value out of the metric's physical range"),
    "bad_timestamp": _("Unparseable timestamp"),
    "future_timestamp": _("Timestamp in the future"),
    "misaligned_timestamp": _("Timestamp not on a 15-minute step"),
}


class Malformed:
    """A line or item a source could not even read as a record."""

    __slots__ = ("detail",)

    def __init__(self, detail):
        self.detail = str(detail)[:300]


class UpstreamUnavailable(Exception):
    """The upstream platform could not be reached (after retries)."""


class Rejection(Exception):
    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _normalise_unit(unit):
    return str(unit).replace(" ", "").replace("(", "").replace(")", "").casefold()


def parse_timestamp(raw):
    """An aware UTC datetime from an ISO 8601 string or datetime, or Rejection."""
    if isinstance(raw, datetime.datetime):
        moment = raw
    elif isinstance(raw, str):
        try:
            moment = datetime.datetime.fromisoformat(raw.strip())
        except ValueError:
            raise Rejection("bad_timestamp", f"unparseable timestamp {raw!r}") from None
    else:
        raise Rejection("bad_timestamp", f"unparseable timestamp {raw!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Rejection("bad_timestamp", f"timestamp without a UTC offset {str(raw)!r}")
    return moment.astimezone(datetime.UTC)


class Validator:
    """Check raw records against the catalogue, loaded once per run."""

    def __init__(self, *, now):
        self.now = now
        self.sensors = {
            code: (pk, set()) for code, pk in Sensor.objects.values_list("code", "id")
        }
        by_id = {pk: code for code, (pk, _feeds) in self.sensors.items()}
        for sensor_id, dataset_id in Sensor.datasets.through.objects.values_list(
            "sensor_id", "dataset_id"
        ):
            self.sensors[by_id[sensor_id]][1].add(dataset_id)
        self.metrics = {}
        for metric in Metric.objects.only(
            "id", "slug", "dataset_id", "unit", "min_value", "max_value"
        ):
            self.metrics.setdefault(metric.slug, {})[metric.dataset_id] = (
                metric.id,
                _normalise_unit(metric.unit),
                metric.min_value,
                metric.max_value,
            )

    def validate(self, raw):
        """Return (sensor_id, metric_id, period_start, value) or raise Rejection."""
        if isinstance(raw, Malformed):
            raise Rejection("malformed", raw.detail)
        if not isinstance(raw, dict):
            raise Rejection("malformed", f"not a record: {str(raw)[:80]!r}")
        extra = raw.keys() - ALLOWED_FIELDS
        if extra:
            raise Rejection(
                "forbidden_field", f"field(s) refused: {', '.join(sorted(extra))}"
            )
        missing = [name for name in REQUIRED_FIELDS if raw.get(name) in (None, "")]
        if missing:
            raise Rejection("malformed", f"missing {', '.join(missing)}")
        code = str(raw["sensor"]).strip()
        sensor = self.sensors.get(code)
        if sensor is None:
            raise Rejection("unknown_sensor", f"unknown sensor {code!r}")
        slug = str(raw["metric"]).strip()
        candidates = self.metrics.get(slug)
        if not candidates:
            raise Rejection("unknown_metric", f"unknown metric {slug!r}")
        fed = [candidates[d] for d in sensor[1] if d in candidates]
        if not fed:
            raise Rejection("metric_not_fed", f"sensor {code} does not measure {slug}")
        metric_id, unit, low, high = fed[0]
        if raw.get("unit") not in (None, "") and _normalise_unit(raw["unit"]) != unit:
            raise Rejection(
                "wrong_unit", f"{slug} is not measured in {str(raw['unit'])[:20]!r}"
            )
        value = raw["value"]
        if isinstance(value, bool):
            raise Rejection("malformed", f"value is not a number: {value!r}")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise Rejection(
                "malformed", f"value is not a number: {str(value)[:30]!r}"
            ) from None
        if not math.isfinite(value) or value < low or value > high:
            raise Rejection(
                "out_of_range", f"{slug} = {value:g} outside [{low:g}, {high:g}]"
            )
        moment = parse_timestamp(raw["period_start"])
        if moment.minute % 15 or moment.second or moment.microsecond:
            raise Rejection(
                "misaligned_timestamp",
                f"{moment.isoformat()} is not on a 15-minute step",
            )
        if moment > self.now:
            raise Rejection(
                "future_timestamp", f"{moment.isoformat()} is in the future"
            )
        return sensor[0], metric_id, moment, value


def insert_readings(rows):
    """Insert (sensor_id, metric_id, period_start, value) rows, skipping any key
    already stored. Returns how many were new.

    COPY into a session-local buffer, then one ``INSERT ... SELECT ... ON
    CONFLICT DO NOTHING``: far faster than thousands of bound parameters. The
    buffer empties at each commit. Each batch commits on its own without
    waiting for the WAL flush (a crash loses at most the last batches, which
    re-running the source restores).
    """
    if not rows:
        return 0
    table = Reading._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS datasets_ingest_buffer "
            "(sensor_id integer, metric_id integer, period_start timestamptz, "
            "value double precision) ON COMMIT DELETE ROWS"
        )
        with cursor.cursor.copy(
            "COPY datasets_ingest_buffer (sensor_id, metric_id, period_start, value) "
            "FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} (sensor_id, metric_id, period_start, value) "
            f"SELECT sensor_id, metric_id, period_start, value "
            f"FROM datasets_ingest_buffer "
            f"ON CONFLICT (sensor_id, metric_id, period_start) DO NOTHING"
        )
        inserted = max(cursor.rowcount, 0)
        cursor.execute("TRUNCATE datasets_ingest_buffer")
        return inserted


class _Tally:
    def __init__(self, run=None):
        self.run = run
        self.received = 0
        self.accepted = 0
        self.duplicates = 0
        self.rejected = 0
        self.by_reason = {}
        self.samples = []
        self.sensor_ids = set()
        self.first = None
        self.last = None

    def reject(self, rejection, position):
        self.rejected += 1
        self.by_reason[rejection.reason] = self.by_reason.get(rejection.reason, 0) + 1
        if len(self.samples) < MAX_SAMPLE_ERRORS:
            self.samples.append(
                {
                    "position": position,
                    "reason": rejection.reason,
                    "detail": rejection.detail[:300],
                }
            )

    def store(self, batch):
        inserted = insert_readings(batch)
        self.accepted += inserted
        self.duplicates += len(batch) - inserted
        if inserted:
            for sensor_id, _metric, moment, _value in batch:
                self.sensor_ids.add(sensor_id)
                if self.first is None or moment < self.first:
                    self.first = moment
                if self.last is None or moment > self.last:
                    self.last = moment
            if self.run is not None:
                IngestionRun.objects.filter(pk=self.run.pk).update(
                    stored_from=self.first,
                    stored_until=self.last + QUARTER,
                    stored_sensor_ids=sorted(self.sensor_ids),
                )


# A run still "running" after this long was cut off (a worker killed, a
# machine restarted): the next run closes it.
STALE_RUN_AFTER = datetime.timedelta(hours=2)
INTERRUPTED_MESSAGE = _(
    "Interrupted: the run stopped before its end (worker or machine stopped). "
    "What it had stored is kept and rolled up; the next run fetches the rest."
)


def recover_interrupted_runs(*, now=None):
    """Close the runs left "running" for longer than ``STALE_RUN_AFTER``.

    Each is marked failed with the reason; the rollups and data quality of the
    readings it had stored are refreshed (the run stopped before doing it), so
    hourly and daily values match the 15-minute ones. Writes the audit event
    ``ingestion.interrupted``. Returns the number of runs closed; safe to run
    twice.
    """
    now = now or timezone.now()
    closed = 0
    stale = IngestionRun.objects.filter(
        status=IngestionStatus.RUNNING, started_at__lt=now - STALE_RUN_AFTER
    )
    for run in stale:
        with transaction.atomic():
            run = (
                IngestionRun.objects.select_for_update(skip_locked=True)
                .filter(pk=run.pk, status=IngestionStatus.RUNNING)
                .first()
            )
            if run is None:
                continue
            if run.stored_from is not None:
                refresh_rollups(
                    sensor_ids=run.stored_sensor_ids,
                    start=run.stored_from,
                    end=run.stored_until,
                )
                refresh_quality(
                    sensor_ids=run.stored_sensor_ids,
                    start=run.stored_from,
                    end=run.stored_until,
                    now=now,
                )
            run.status = IngestionStatus.FAILED
            run.finished_at = now
            run.error = str(INTERRUPTED_MESSAGE)
            run.save(update_fields=["status", "finished_at", "error"])
            record_event(
                "ingestion.interrupted",
                actor=None,
                target=run,
                data={"source": run.source, "started_at": run.started_at.isoformat()},
            )
            closed += 1
    if closed:
        logger.warning("Closed %s interrupted ingestion run(s)", closed)
    return closed


def ingest(source, *, actor=None):
    """Run ``source`` once: validate, store, roll up, and record an IngestionRun.

    Each raw record is stored (``accepted``), found already stored
    (``duplicates``: running a source twice stores nothing twice) or rejected
    with a reason (counted in ``rejected_by_reason``, up to 20 samples kept).
    Rollups and ``SensorDayQuality`` are refreshed for what was stored. When
    the source raises (``UpstreamUnavailable``...) the run is marked failed, what
    was stored stays, the cursor is not advanced and the error is re-raised
    (the Celery task retries). Writes the audit event ``ingestion.finished``
    or ``ingestion.failed``. Returns the IngestionRun.
    """
    now = timezone.now()
    recover_interrupted_runs(now=now)
    run = IngestionRun.objects.create(
        source=source.kind,
        status=IngestionStatus.RUNNING,
        started_at=now,
        cursor_before=getattr(source, "cursor_before", None),
        detail=source.describe()[:500],
    )
    validator = Validator(now=now)
    tally = _Tally(run)
    batch = []
    failure = None
    try:
        for position, raw in enumerate(source.records(), start=1):
            tally.received += 1
            try:
                batch.append(validator.validate(raw))
            except Rejection as rejection:
                tally.reject(rejection, position)
                continue
            if len(batch) >= BATCH_SIZE:
                tally.store(batch)
                batch = []
    except Exception as exc:  # an outage, or a source that broke mid-way
        failure = exc
    finally:
        if batch:
            tally.store(batch)
    if tally.first is not None:
        end = tally.last + QUARTER
        refresh_rollups(sensor_ids=tally.sensor_ids, start=tally.first, end=end)
        refresh_quality(
            sensor_ids=tally.sensor_ids, start=tally.first, end=end, now=now
        )
    run.received = tally.received
    run.accepted = tally.accepted
    run.duplicates = tally.duplicates
    run.rejected = tally.rejected
    run.rejected_by_reason = tally.by_reason
    run.sample_errors = tally.samples
    run.finished_at = timezone.now()
    if failure is not None:
        run.status = IngestionStatus.FAILED
        run.error = str(failure)[:2000]
        run.cursor_after = None
    else:
        run.status = IngestionStatus.SUCCEEDED
        run.cursor_after = getattr(source, "cursor_after", None)
    with transaction.atomic():
        run.save(
            update_fields=[
                "received",
                "accepted",
                "duplicates",
                "rejected",
                "rejected_by_reason",
                "sample_errors",
                "finished_at",
                "status",
                "error",
                "cursor_after",
            ]
        )
        record_event(
            "ingestion.failed" if failure else "ingestion.finished",
            actor=actor,
            target=run,
            data={
                "source": run.source,
                "received": run.received,
                "accepted": run.accepted,
                "duplicates": run.duplicates,
                "rejected": run.rejected,
            },
        )
    if failure is not None:
        logger.warning("Ingestion run %s failed: %s", run.pk, failure)
        raise failure
    return run
