"""The demo jury (seed_demo's jury part)."""

import datetime
import io
from collections import Counter
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
from django.utils.html import escape

from applications.demo import DATASET_SLUGS, seed_applications
from applications.enums import ApplicationState, CallPhase
from applications.jury.demo import seed_jury
from applications.jury.models import (
    Assignment,
    Conflict,
    Criterion,
    Decision,
    Grid,
    JuryMembership,
    Score,
    ScoreSheet,
)
from applications.models import Call
from portal.demo import seed_accounts
from tests.applications.factories import DatasetFactory

S = ApplicationState
JUROR_EMAILS = [
    "jury.cci@demo.openbatignolles.fr",
    "jury.expert@demo.openbatignolles.fr",
    "jury.habitants@demo.openbatignolles.fr",
    "jury.mairie@demo.openbatignolles.fr",
    "jury.parisandco@demo.openbatignolles.fr",
    "jury.upciti@demo.openbatignolles.fr",
]


@pytest.fixture
def seeded(db):
    accounts = seed_accounts()
    for slug in DATASET_SLUGS:
        DatasetFactory(slug=slug)
    seed_applications(accounts=accounts, days=1, stdout=io.StringIO())
    seed_jury(accounts=accounts, days=1, stdout=io.StringIO())
    return accounts


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            JuryMembership,
            Conflict,
            Assignment,
            ScoreSheet,
            Score,
            Decision,
            Grid,
            Criterion,
        )
    }


def test_seeding_the_jury_twice_adds_nothing(seeded):
    before = counts()
    seed_applications(accounts=seeded, days=1, stdout=io.StringIO())
    seed_jury(accounts=seeded, days=1, stdout=io.StringIO())

    assert counts() == before
    assert before["JuryMembership"] == 12
    assert before["Conflict"] == 3
    # 10 admissible applications in wave 1, 5 in wave 2; 3 jurors each.
    assert before["Assignment"] == 45


def test_first_wave_jury_declared_with_conflicts(seeded):
    call = Call.objects.get(slug="ami-1")
    members = call.jury.select_related("user").order_by("user__email")

    assert [m.user.email for m in members] == JUROR_EMAILS
    assert all(m.declared_at and m.organisation for m in members)
    assert call.phase == CallPhase.RELEASED
    assert sorted(
        Conflict.objects.values_list(
            "membership__user__email", "application__reference", "source", "status"
        )
    ) == [
        (
            "jury.cci@demo.openbatignolles.fr",
            "AMI1-0004",
            "same_email_domain",
            "dismissed",
        ),
        (
            "jury.parisandco@demo.openbatignolles.fr",
            "AMI1-0001",
            "named_partner",
            "pending",
        ),
        ("jury.upciti@demo.openbatignolles.fr", "AMI1-0008", "declared", "confirmed"),
    ]
    dismissed = Conflict.objects.get(status="dismissed")
    assert dismissed.resolution_reason and dismissed.resolved_by is not None


def test_first_wave_assignment_complete_balanced_without_conflicts(seeded):
    call = Call.objects.get(slug="ami-1")
    assignments = Assignment.objects.filter(application__call=call)
    per_application = Counter(a.application.reference for a in assignments)
    loads = Counter(a.membership.user.email for a in assignments)

    assert per_application == {f"AMI1-{n:04d}": 3 for n in range(1, 11)}
    assert sorted(loads.values()) == [5, 5, 5, 5, 5, 5]
    assert not assignments.filter(
        membership__user__email="jury.upciti@demo.openbatignolles.fr",
        application__reference="AMI1-0008",
    ).exists()
    assert not assignments.filter(
        membership__user__email="jury.parisandco@demo.openbatignolles.fr",
        application__reference="AMI1-0001",
    ).exists()
    sheets = ScoreSheet.objects.filter(assignment__application__call=call)
    assert sheets.count() == 30
    assert sheets.filter(submitted_at__isnull=True).count() == 0
    assert Score.objects.filter(sheet__in=sheets).count() == 30 * 8
    assert Score.objects.filter(sheet__in=sheets, not_applicable=True).exists()
    assert Grid.objects.get(call=call).locked_at is not None


def test_lenient_and_severe_jurors(seeded):
    def values(email):
        return list(
            Score.objects.filter(
                sheet__assignment__membership__user__email=email,
                sheet__assignment__application__call__slug="ami-1",
                not_applicable=False,
            ).values_list("value", flat=True)
        )

    lenient = values("jury.habitants@demo.openbatignolles.fr")
    severe = values("jury.expert@demo.openbatignolles.fr")

    assert set(lenient) <= {4, 5}
    assert set(severe) <= {1, 2, 3}
    assert mean(lenient) > mean(severe)


def test_first_wave_decisions_released_as_the_states_say(seeded):
    decisions = Decision.objects.filter(application__call__slug="ami-1")
    released = datetime.datetime(2025, 10, 24, 10, tzinfo=ZoneInfo("Europe/Paris"))

    assert sorted(decisions.values_list("application__reference", "outcome")) == [
        ("AMI1-0001", "retained"),
        ("AMI1-0002", "retained"),
        ("AMI1-0003", "retained"),
        ("AMI1-0004", "retained"),
        ("AMI1-0005", "retained"),
        ("AMI1-0006", "waiting_list"),
        ("AMI1-0007", "waiting_list"),
        ("AMI1-0008", "not_retained"),
        ("AMI1-0009", "not_retained"),
        ("AMI1-0010", "not_retained"),
    ]
    assert set(decisions.values_list("released_at", flat=True)) == {released}
    assert all(decision.feedback for decision in decisions)


def test_open_wave_jury_and_assignment_in_progress(seeded):
    call = Call.objects.get(slug="ami-2")
    sheets = ScoreSheet.objects.filter(assignment__application__call=call)

    assert call.phase == CallPhase.SUBMISSION
    assert call.jury.filter(declared_at__isnull=False).count() == 6
    assert Assignment.objects.filter(application__call=call).count() == 15
    assert sheets.count() == 4
    assert sheets.filter(submitted_at__isnull=False).count() == 0


def test_demo_jurors_reach_the_jury_space(seeded, client, settings):
    settings.PORTAL_REQUIRE_MFA = False
    first_wave = escape(Call.objects.get(slug="ami-1").title_fr)
    for juror in seeded["jurors"]:
        client.force_login(juror)
        response = client.get("/jury/")
        assert response.status_code == 200
        assert first_wave in response.content.decode()
