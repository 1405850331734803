import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from datasets.enums import IngestionSource
from datasets.models import IngestionRun, Reading
from datasets.services import seed_catalogue

pytestmark = pytest.mark.django_db

CSV = """sensor,metric,period_start,value,unit
PED-001,pedestrians_in,2025-10-07T08:00:00Z,12,persons
PED-001,pedestrians_out,2025-10-07T08:00:00+02:00,7,persons
SND-001,laeq,2025-10-07T08:00:00Z,61.5,dB(A)
SND-001,laeq,2025-10-07T08:15:00Z,61.5,W
VEH-001,cars,2025-10-07T08:00:00Z,12,
PED-001,pedestrians_in,2025-10-07T08:15:00Z
"""


@pytest.fixture
def catalogue(db):
    seed_catalogue()


def run_import(path):
    out = io.StringIO()
    call_command("import_readings", str(path), stdout=out)
    return out.getvalue()


@freeze_time("2025-10-08T12:00:00Z")
def test_import_readings_csv_prints_the_summary_and_is_idempotent(catalogue, tmp_path):
    path = tmp_path / "readings.csv"
    path.write_text(CSV)

    first = run_import(path)
    second = run_import(path)

    assert first.splitlines()[0].endswith(
        "succeeded: received 6, accepted 4, already stored 0, rejected 2"
    )
    assert "  rejected malformed: 1" in first
    assert "  rejected wrong_unit: 1" in first
    assert "received 6, accepted 0, already stored 4, rejected 2" in second
    assert Reading.objects.count() == 4
    stored = Reading.objects.get(sensor__code="PED-001", metric__slug="pedestrians_out")
    assert stored.period_start == datetime.datetime(2025, 10, 7, 6, tzinfo=datetime.UTC)
    assert (
        list(IngestionRun.objects.values_list("source", flat=True))
        == [IngestionSource.FILE] * 2
    )


@freeze_time("2025-10-08T12:00:00Z")
def test_import_readings_json_lines_rejects_bad_lines_one_by_one(catalogue, tmp_path):
    path = tmp_path / "readings.jsonl"
    lines = [
        json.dumps(
            {
                "sensor": "LUM-001",
                "metric": "dimming_level",
                "period_start": "2025-10-07T01:00:00Z",
                "value": 40,
            }
        ),
        "{not json",
        json.dumps(
            {
                "sensor": "SND-002",
                "metric": "laeq",
                "audio": "UklGR...",
                "period_start": "2025-10-07T01:00:00Z",
                "value": 50,
            }
        ),
        "",
        json.dumps(
            {
                "sensor": "LUM-001",
                "metric": "dimming_level",
                "period_start": "2025-10-07T01:15:00Z",
                "value": 140,
            }
        ),
    ]
    path.write_text("\n".join(lines) + "\n")

    output = run_import(path)

    run = IngestionRun.objects.get()
    assert (run.received, run.accepted, run.rejected) == (4, 1, 3)
    assert run.rejected_by_reason == {
        "malformed": 1,
        "forbidden_field": 1,
        "out_of_range": 1,
    }
    assert run.sample_errors[0] == {
        "position": 2,
        "reason": "malformed",
        "detail": "line 2: not valid JSON",
    }
    assert "record 3: forbidden_field: field(s) refused: audio" in output


def test_import_readings_refuses_a_missing_file(catalogue, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_readings", str(tmp_path / "nope.csv"))


@freeze_time("2025-10-08T12:07:00Z")
def test_simulate_readings_command_is_idempotent(catalogue):
    out = io.StringIO()

    call_command("simulate_readings", "--days", "0.25", stdout=out)
    call_command("simulate_readings", "--days", "0.25", stdout=out)

    first, second = out.getvalue().splitlines()
    stored = Reading.objects.count()
    assert f"accepted {stored}, already stored 0, rejected 0" in first
    assert f"accepted 0, already stored {stored}, rejected 0" in second
    assert stored > 24 * 600 * 0.9
