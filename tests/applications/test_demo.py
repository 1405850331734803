"""The demo calls and applications (seed_demo's applications part)."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from applications.demo import DATASET_SLUGS, seed_applications
from applications.enums import ApplicationState
from applications.jury.models import JuryMembership
from applications.models import (
    Application,
    Attachment,
    Call,
    EmailTemplate,
    RequestedDataset,
    SentEmail,
    Submission,
    TeamMember,
)
from portal.audit.models import AuditEvent
from portal.demo import seed_accounts
from tests.applications.factories import DatasetFactory

S = ApplicationState


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Call,
            Application,
            TeamMember,
            RequestedDataset,
            Attachment,
            Submission,
            SentEmail,
            EmailTemplate,
            JuryMembership,
            AuditEvent,
        )
    }


@pytest.fixture
def seeded(db):
    try:
        from datasets.demo import seed_datasets
    except ImportError:
        seed_datasets = None
    accounts = seed_accounts()
    if seed_datasets is not None:
        seed_datasets(accounts=accounts, days=1, stdout=io.StringIO())
    for slug in DATASET_SLUGS:
        DatasetFactory(slug=slug)
    seed_applications(accounts=accounts, days=1, stdout=io.StringIO())
    return accounts


@pytest.mark.django_db
def test_seed_applications_twice_gives_same_counts(seeded):
    before = counts()
    seed_applications(accounts=seeded, days=1, stdout=io.StringIO())
    assert counts() == before
    assert before["Call"] == 2
    assert before["Application"] == 30
    assert before["EmailTemplate"] == 3
    assert before["JuryMembership"] == 12


@pytest.mark.django_db
def test_seeded_email_templates_read_french_typography(seeded):
    template = EmailTemplate.objects.get(slug="pieces-manquantes")
    assert template.name == "Pièce manquante"
    assert template.subject_fr == "{reference}\u00a0: une pièce manque à votre dossier"
    assert template.body_fr == (
        "Il manque le support de présentation (PDF) de votre candidature "
        "«\u00a0{title}\u00a0». Vous pouvez l’ajouter jusqu’à la date limite\u00a0: "
        "{link}"
    )
    assert template.subject_en == "{reference}: a document is missing"


@pytest.mark.django_db
def test_seed_applications_covers_every_state(seeded):
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(S.values)
    inadmissible = Application.objects.filter(state=S.INADMISSIBLE)
    assert all(a.inadmissibility_reason for a in inadmissible)
    for state in (S.RETAINED, S.WAITING_LIST, S.NOT_RETAINED):
        assert all(a.decision_feedback for a in Application.objects.filter(state=state))


@pytest.mark.django_db
def test_seed_applications_waves_dates(seeded):
    first, second = Call.objects.get(slug="ami-1"), Call.objects.get(slug="ami-2")
    opens = timezone.localtime(first.opens_at)
    assert (opens.date().isoformat(), opens.hour, opens.weekday()) == (
        "2025-07-21",
        10,
        0,
    )
    assert timezone.localtime(first.closes_at).strftime("%Y-%m-%d %H:%M") == (
        "2025-09-30 23:59"
    )
    assert first.results_on.isoformat() == "2025-10-24"
    assert not first.applications.filter(
        state__in=[S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW]
    ).exists()
    now = timezone.now()
    assert second.is_open_at(now)
    assert 19 <= (now - second.opens_at).days <= 20
    assert 24 <= (second.closes_at - now).days <= 25
    assert len(first.grid) == 8
    assert sum(c["weight"] for c in first.grid) == 100


@pytest.mark.django_db
def test_seed_applications_submissions_history_and_pitch_decks(seeded):
    application = Application.objects.get(reference="AMI1-0001")
    assert application.state == S.RETAINED
    submission = application.submissions.get()
    assert len(submission.sha256) == 64
    assert submission.submitted_at < application.call.closes_at
    verbs = list(
        AuditEvent.objects.for_object(application)
        .order_by("created_at", "id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "application.created",
        "application.attachment_added",
        "application.submitted",
        "application.admissible",
        "application.under_review",
        "application.retained",
    ]
    times = list(
        AuditEvent.objects.for_object(application)
        .order_by("id")
        .values_list("created_at", flat=True)
    )
    assert times == sorted(times)
    deck = application.attachments.get(is_pitch_deck=True)
    with deck.file.open("rb") as handle:
        reader = PdfReader(handle)
        assert len(reader.pages) >= 1
    assert set(
        application.requested_datasets.values_list("dataset__slug", flat=True)
    ) == {
        "parking-occupancy",
        "vehicle-counts",
    }
    assert application.team.filter(role="lead").count() == 1
    assert JuryMembership.objects.filter(call=application.call).count() == 6


@pytest.mark.django_db
def test_seed_applications_skips_missing_datasets(db):
    accounts = seed_accounts()
    DatasetFactory(slug="pedestrian-flows")
    seed_applications(accounts=accounts, days=1, stdout=io.StringIO())
    assert set(RequestedDataset.objects.values_list("dataset__slug", flat=True)) == {
        "pedestrian-flows"
    }
    assert Application.objects.count() == 30


@pytest.mark.django_db
def test_seed_applications_later_run_moves_the_open_wave(seeded):
    import datetime

    from freezegun import freeze_time

    second = Call.objects.get(slug="ami-2")
    first_submission = (
        Submission.objects.filter(application__call=second)
        .order_by("submitted_at")
        .first()
    )
    before = first_submission.submitted_at
    later = timezone.now() + datetime.timedelta(days=10)
    with freeze_time(later):
        seed_applications(accounts=seeded, days=1, stdout=io.StringIO())
        second.refresh_from_db()
        assert second.is_open_at(timezone.now())
    first_submission.refresh_from_db()
    assert first_submission.submitted_at - before == datetime.timedelta(days=10)
    assert first_submission.submitted_at > second.opens_at
    assert Application.objects.count() == 30
