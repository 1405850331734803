import datetime

import pytest
from django.utils import translation
from freezegun import freeze_time

from datasets.enums import IngestionSource, IngestionStatus
from datasets.ingestion import SimulatorSource, ingest
from datasets.models import (
    DailyRollup,
    HourlyRollup,
    IngestionRun,
    Reading,
    SensorDayQuality,
)
from datasets.services import seed_catalogue
from datasets.tasks import simulate_live_task
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


class ListSource:
    """A source over records given in memory (like a parsed file)."""

    kind = IngestionSource.FILE
    cursor_before = None
    cursor_after = None

    def __init__(self, records):
        self._records = records

    def describe(self):
        return "test records"

    def records(self):
        yield from self._records


@pytest.fixture
def catalogue(db):
    seed_catalogue()


def record(**overrides):
    base = {
        "sensor": "PED-001",
        "metric": "pedestrians_in",
        "period_start": "2025-10-07T08:00:00+00:00",
        "value": "42",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


BAD_RECORDS = [
    ("unknown_sensor", record(sensor="PED-999")),
    ("unknown_metric", record(metric="pedestrians_sideways")),
    ("metric_not_fed", record(metric="laeq", value="55")),
    ("wrong_unit", record(unit="vehicles")),
    ("out_of_range", record(value="-3")),
    ("out_of_range", record(value="nan")),
    ("bad_timestamp", record(period_start="yesterday at eight")),
    ("bad_timestamp", record(period_start="2025-10-07T08:00:00")),
    ("future_timestamp", record(period_start="2031-01-01T00:00:00+00:00")),
    ("misaligned_timestamp", record(period_start="2025-10-07T08:07:00+00:00")),
    ("malformed", record(value="forty-two")),
    ("malformed", record(metric=None)),
    ("malformed", ["PED-001", "pedestrians_in"]),
    ("forbidden_field", record(image="base64...")),
    ("forbidden_field", record(mac_address="aa:bb:cc:dd:ee:ff")),
]


@freeze_time("2025-10-08T12:00:00Z")
@pytest.mark.parametrize(("reason", "bad"), BAD_RECORDS)
def test_ingest_rejects_each_bad_record_kind_with_its_reason(catalogue, reason, bad):
    good = record(period_start="2025-10-07T08:15:00Z", unit="persons")

    run = ingest(ListSource([bad, good]))

    assert (run.status, run.received, run.accepted, run.rejected) == (
        IngestionStatus.SUCCEEDED,
        2,
        1,
        1,
    )
    assert run.rejected_by_reason == {reason: 1}
    assert run.sample_errors[0]["reason"] == reason
    assert run.sample_errors[0]["position"] == 1
    assert list(Reading.objects.values_list("value", flat=True)) == [42.0]


@freeze_time("2025-10-08T12:00:00Z")
def test_ingest_counts_rejections_by_reason_and_keeps_twenty_samples(catalogue):
    bad = [record(sensor=f"NOPE-{n}") for n in range(25)]
    bad += [record(value="99999")] * 3

    run = ingest(ListSource(bad))

    assert run.rejected_by_reason == {"unknown_sensor": 25, "out_of_range": 3}
    assert len(run.sample_errors) == 20
    assert run.sample_errors[0]["detail"] == "unknown sensor 'NOPE-0'"
    assert Reading.objects.count() == 0
    assert AuditEvent.objects.filter(verb="ingestion.finished").count() == 1


@freeze_time("2025-10-08T12:00:00Z")
def test_ingest_twice_stores_nothing_twice(catalogue):
    start = datetime.datetime(2025, 10, 6, 22, 0, tzinfo=UTC)
    end = start + datetime.timedelta(days=1)
    codes = {"PED-001", "SND-001", "PRK-001"}

    first = ingest(SimulatorSource(start, end, codes=codes))
    stored = sorted(
        Reading.objects.values_list("sensor_id", "metric_id", "period_start", "value")
    )
    hourly = HourlyRollup.objects.count()
    second = ingest(SimulatorSource(start, end, codes=codes))

    assert first.accepted > 900
    assert first.duplicates == 0
    assert (second.received, second.accepted, second.duplicates) == (
        first.received,
        0,
        first.accepted,
    )
    assert (
        sorted(
            Reading.objects.values_list(
                "sensor_id", "metric_id", "period_start", "value"
            )
        )
        == stored
    )
    assert HourlyRollup.objects.count() == hourly
    assert second.cursor_after == end
    assert IngestionRun.objects.count() == 2


@freeze_time("2025-10-08T12:00:00Z")
def test_ingest_duplicates_inside_one_run_are_counted_once(catalogue):
    run = ingest(ListSource([record(), record(value="43")]))

    assert (run.accepted, run.duplicates) == (1, 1)
    assert list(Reading.objects.values_list("value", flat=True)) == [42.0]


@freeze_time("2025-10-08T12:00:00Z")
def test_ingest_refreshes_rollups_and_quality_for_what_it_stored(catalogue):
    records = [
        record(period_start=f"2025-10-07T08:{minute:02d}:00Z", value=str(value))
        for minute, value in [(0, 10), (15, 20), (30, 30), (45, 40)]
    ]

    ingest(ListSource(records))

    hourly = HourlyRollup.objects.get()
    assert (hourly.period_start, hourly.count, hourly.total) == (
        datetime.datetime(2025, 10, 7, 8, tzinfo=UTC),
        4,
        100.0,
    )
    assert (hourly.minimum, hourly.maximum, hourly.average) == (10.0, 40.0, 25.0)
    daily = DailyRollup.objects.get()
    assert (daily.day, daily.count, daily.total) == (
        datetime.date(2025, 10, 7),
        4,
        100.0,
    )
    quality = SensorDayQuality.objects.get()
    assert (quality.day, quality.expected, quality.received) == (
        datetime.date(2025, 10, 7),
        96,
        4,
    )
    assert quality.gaps == 2
    assert quality.last_reading_at == datetime.datetime(2025, 10, 7, 8, 45, tzinfo=UTC)


@freeze_time("2025-10-08T12:07:00Z")
def test_simulate_live_task_resumes_from_the_last_simulator_cursor(catalogue, settings):
    settings.PORTAL_SIMULATOR_LIVE = True
    IngestionRun.objects.create(
        source=IngestionSource.SIMULATOR,
        status=IngestionStatus.SUCCEEDED,
        cursor_after=datetime.datetime(2025, 10, 8, 11, 0, tzinfo=UTC),
    )

    run = IngestionRun.objects.get(pk=simulate_live_task.apply().get())
    again = simulate_live_task.apply().get()

    assert run.cursor_before == datetime.datetime(2025, 10, 8, 11, 0, tzinfo=UTC)
    assert run.cursor_after == datetime.datetime(2025, 10, 8, 12, 0, tzinfo=UTC)
    periods = set(Reading.objects.values_list("period_start", flat=True))
    assert periods == {
        datetime.datetime(2025, 10, 8, 11, minute, tzinfo=UTC)
        for minute in (0, 15, 30, 45)
    }
    assert again is None


def test_simulate_live_task_is_off_by_default(catalogue, settings):
    settings.PORTAL_SIMULATOR_LIVE = False

    assert simulate_live_task.apply().get() is None
    assert IngestionRun.objects.count() == 0


class KilledSource(ListSource):
    """Stores its records, then the worker dies (not an Exception: nothing in
    the service catches it, as with a SIGKILL nothing would run at all)."""

    def records(self):
        yield from self._records
        raise KeyboardInterrupt


def test_interrupted_run_is_closed_and_rolled_up_by_the_next_run(
    catalogue, monkeypatch
):
    from datasets.ingestion import service

    monkeypatch.setattr(service, "BATCH_SIZE", 2)
    records = [
        record(period_start=f"2025-10-07T08:{minute:02d}:00Z", value=str(value))
        for minute, value in [(0, 10), (15, 20), (30, 30), (45, 40)]
    ]
    with freeze_time("2025-10-08T12:00:00Z"), pytest.raises(KeyboardInterrupt):
        ingest(KilledSource(records))
    killed = IngestionRun.objects.get()
    assert killed.status == IngestionStatus.RUNNING
    assert Reading.objects.count() == 4
    assert HourlyRollup.objects.count() == 0  # the run died before rolling up

    with freeze_time("2025-10-08T13:00:00Z"):
        ingest(ListSource([]))  # one hour later: maybe still working, left alone
    killed.refresh_from_db()
    assert killed.status == IngestionStatus.RUNNING

    with freeze_time("2025-10-08T14:30:00Z"), translation.override("fr"):
        ingest(ListSource([]))
    killed.refresh_from_db()
    assert killed.status == IngestionStatus.FAILED
    assert killed.error.startswith("Interrompu")
    hourly = HourlyRollup.objects.get()
    assert (hourly.count, hourly.total) == (4, 100.0)
    assert SensorDayQuality.objects.get().received == 4
    assert AuditEvent.objects.filter(verb="ingestion.interrupted").count() == 1
