"""The shared pattern of files built in the background (portal/background.py):
the rows it writes, the audit events, the status the pages poll, and the
contract the three jobs keep (their states, a migration that moves no column)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from applications.jury.models import Dossier
from portal.audit.models import AuditEvent
from portal.background import (
    BackgroundJob,
    fail_job,
    finish_job,
    job_status,
    mark_job,
)
from portal.dashboard.models import AnnualReport
from tests.workshops.wafter_factories import make_workshop
from workshops.models import CertificateRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_mark_job_writes_the_row_and_the_instance():
    report = AnnualReport.objects.create(year=2025)

    mark_job(report, state="running", progress=40)

    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.progress) == ("running", 40)
    assert (report.state, report.progress) == ("running", 40)


def test_finish_job_stores_the_file_marks_done_and_writes_the_event(organiser):
    report = AnnualReport.objects.create(
        year=2025, requested_by=organiser, state="running", progress=90, error="old"
    )
    before = timezone.now()

    finish_job(
        report,
        file=("rapport-2025-test.pdf", ContentFile(b"%PDF-1.7 rapport")),
        progress=100,
        event="dashboard.report_built",
        after={"bytes": 16},
    )

    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.progress, stored.error) == ("done", 100, "")
    assert stored.file.name == "dashboard/reports/rapport-2025-test.pdf"
    with stored.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 rapport"
    assert before <= stored.finished_at <= timezone.now()
    assert stored.is_finished is True
    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.target_id, event.after, event.data) == (
        "dashboard.report_built",
        None,
        str(report.pk),
        {"bytes": 16},
        {},
    )


def test_finish_job_without_a_file_names_another_target():
    workshop = make_workshop()
    run = CertificateRun.objects.create(
        workshop=workshop, state="running", total=3, done=3
    )

    finish_job(
        run,
        event="workshop.certificates_generated",
        target=workshop,
        after={"certificates": 3},
        data={"run": run.pk},
    )

    stored = CertificateRun.objects.get(pk=run.pk)
    assert (stored.state, stored.done, stored.total, stored.error) == ("done", 3, 3, "")
    assert stored.finished_at is not None
    event = AuditEvent.objects.get()
    assert (event.verb, event.target_id, event.after, event.data) == (
        "workshop.certificates_generated",
        str(workshop.pk),
        {"certificates": 3},
        {"run": run.pk},
    )


def test_fail_job_writes_the_reason_and_the_event():
    workshop = make_workshop()
    run = CertificateRun.objects.create(workshop=workshop, state="running", total=4)

    error = fail_job(
        run,
        OSError("disque plein"),
        message="Les attestations n'ont pas pu être produites : %(reason)s",
        event="workshop.certificates_failed",
        target=workshop,
        data={"run": run.pk},
    )

    expected = "Les attestations n'ont pas pu être produites : disque plein"
    assert error == expected
    stored = CertificateRun.objects.get(pk=run.pk)
    assert (stored.state, stored.error) == ("failed", expected)
    assert stored.finished_at is not None
    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.target_id, event.data) == (
        "workshop.certificates_failed",
        None,
        str(workshop.pk),
        {"run": run.pk, "error": expected},
    )


def test_fail_job_names_the_exception_when_it_has_no_message():
    report = AnnualReport.objects.create(year=2024, state="running", progress=40)

    fail_job(
        report,
        RuntimeError(),
        message="The report could not be built: %(reason)s",
        event="dashboard.report_failed",
    )

    stored = AnnualReport.objects.get(pk=report.pk)
    assert (stored.state, stored.progress, stored.error) == (
        "failed",
        40,
        "The report could not be built: RuntimeError",
    )
    event = AuditEvent.objects.get()
    assert (event.target_id, event.data) == (
        str(report.pk),
        {"error": "The report could not be built: RuntimeError"},
    )


def test_job_status_of_a_stored_and_of_a_counted_progress(settings):
    settings.LANGUAGE_CODE = "en"
    report = AnnualReport.objects.create(year=2025, state="running", progress=40)
    run = CertificateRun.objects.create(
        workshop=make_workshop(), state="running", total=300, done=75
    )

    assert job_status(report, download_url="") == {
        "id": report.pk,
        "state": "running",
        "state_label": "Being built",
        "progress": 40,
        "finished": False,
        "error": "",
        "download_url": "",
    }
    assert job_status(run, done=run.done, total=run.total) == {
        "id": run.pk,
        "state": "running",
        "state_label": "Running",
        "progress": 25,
        "finished": False,
        "error": "",
        "done": 75,
        "total": 300,
    }


@pytest.mark.parametrize("model", [AnnualReport, Dossier, CertificateRun])
def test_each_job_keeps_the_shared_states_and_order(model):
    state = model._meta.get_field("state")

    assert issubclass(model, BackgroundJob)
    assert [value for value, _label in state.choices] == [
        "queued",
        "running",
        "done",
        "failed",
    ]
    assert (state.default, state.max_length) == ("queued", 20)
    assert model._meta.ordering == ["-created_at", "-id"]


def test_certificate_run_migration_changes_no_column():
    out = io.StringIO()

    call_command(
        "sqlmigrate", "workshops", "0007_certificate_run_background_job", stdout=out
    )

    statements = [
        line
        for line in out.getvalue().splitlines()
        if line.strip() and not line.startswith("--")
    ]
    assert statements in ([], ["BEGIN;", "COMMIT;"])


def test_only_done_and_failed_jobs_are_finished():
    jobs = {
        state: AnnualReport(year=2025, state=state)
        for state in ("queued", "running", "done", "failed")
    }

    assert {state: job.is_finished for state, job in jobs.items()} == {
        "queued": False,
        "running": False,
        "done": True,
        "failed": True,
    }
