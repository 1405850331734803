import datetime
import io

import pytest
from django.utils import timezone

from datasets import personal_data
from datasets.demo import seed_datasets
from datasets.ingestion import SimulatorSource, ingest
from datasets.models import (
    DailyRollup,
    Feedback,
    HourlyRollup,
    IngestionRun,
    Reading,
    SensorDayQuality,
)
from datasets.services import seed_catalogue
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

MODELS = (Reading, HourlyRollup, DailyRollup, SensorDayQuality, IngestionRun, Feedback)


def counts():
    return [model.objects.count() for model in MODELS]


def test_seed_datasets_twice_gives_the_same_counts():
    resident = make_user("martine@example.org", full_name="Martine Blanc")
    out = io.StringIO()

    seed_datasets(accounts={"residents": [resident]}, days=1, stdout=out)
    first = counts()
    seed_datasets(accounts={"residents": [resident]}, days=1, stdout=out)

    assert counts() == first
    assert first[0] > 24 * 4 * 600  # at least a full Paris day of 600+ series
    assert first[4:] == [2, 4]
    assert "160 sensors on 26 streets" in out.getvalue()
    silent = SensorDayQuality.objects.filter(sensor__code="SND-025")
    assert silent.exists()
    assert {q.received for q in silent} == {0}
    file_run = IngestionRun.objects.get(source="file")
    assert file_run.rejected_by_reason == {
        "unknown_sensor": 1,
        "out_of_range": 1,
        "forbidden_field": 1,
        "malformed": 1,
    }


def test_personal_data_exports_and_erases_only_the_users_feedback():
    resident = make_user("martine@example.org", full_name="Martine Blanc")
    neighbour = make_user("louis@example.org", full_name="Louis Renaud")
    Feedback.objects.create(message="Le capteur PED-003 filme-t-il ?", author=resident)
    Feedback.objects.create(message="Merci !", author=neighbour)

    exported = personal_data.export_for(resident)
    erased = personal_data.erase_for(resident)

    assert [row["message"] for row in exported["feedback"]] == [
        "Le capteur PED-003 filme-t-il ?"
    ]
    assert erased == {"feedback": 1}
    assert list(Feedback.objects.values_list("message", flat=True)) == ["Merci !"]


def test_seed_datasets_fills_history_older_than_a_previous_live_run():
    seed_catalogue()
    now = timezone.now()
    ingest(SimulatorSource(now - datetime.timedelta(hours=1), now, codes={"PED-001"}))

    seed_datasets(accounts={}, days=1, stdout=io.StringIO())

    oldest = (
        Reading.objects.filter(sensor__code="PED-001")
        .order_by("period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    assert oldest <= now - datetime.timedelta(days=1)
