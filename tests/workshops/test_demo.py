"""The demo workshops and DemoDays (seed_demo's workshops part)."""

import io

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from applications.demo import DATASET_SLUGS, seed_applications
from applications.jury.demo import seed_jury
from applications.models import Project
from portal.demo import seed_accounts
from tests.applications.factories import DatasetFactory
from workshops.demo import (
    DRAW_SEED,
    FIRST_DEMODAY,
    FIRST_SESSION,
    FULL_WORKSHOP,
    NEXT_DEMODAY,
    NEXT_SESSION,
    seed_workshops,
)
from workshops.draw import draw_order
from workshops.enums import RegistrationState, SlotKind, WorkshopKind
from workshops.models import (
    Certificate,
    DemoDay,
    DemoDayResult,
    FollowUpAction,
    Minutes,
    Registration,
    Slot,
    Vote,
    Workshop,
)


@pytest.fixture
def accounts(db):
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
            Workshop,
            DemoDay,
            Registration,
            Certificate,
            Minutes,
            FollowUpAction,
            Slot,
            Vote,
            DemoDayResult,
        )
    } | {"checked_in": Registration.objects.checked_in().count()}


def test_seed_workshops_history_and_open_wave(accounts):
    out = io.StringIO()
    seed_workshops(accounts=accounts, stdout=out)
    now = timezone.now()
    first_wave = list(Project.objects.filter(application__call__slug="ami-1"))
    assert len(first_wave) == 5

    autumn = Workshop.objects.filter(call__slug="ami-1", kind=WorkshopKind.WORKSHOP)
    assert autumn.count() == 6
    assert all(w.ends_at < now for w in autumn)
    assert Minutes.objects.filter(workshop__in=autumn).count() == 6
    # Each first-wave Project has the same five follow-up actions, 3 done.
    assert FollowUpAction.objects.count() == 25
    assert FollowUpAction.objects.filter(status="done").count() == 15
    # Certificates exactly for the checked-in attendees of the workshops.
    checked = Registration.objects.checked_in().filter(workshop__in=autumn)
    assert checked.count() > 30
    assert Certificate.objects.count() == checked.count()
    assert not Certificate.objects.exclude(registration__in=checked).exists()
    # Nobody checked in in the future, nobody checked in without a seat.
    assert not Registration.objects.filter(checked_in_at__gt=now).exists()
    assert (
        not Registration.objects.checked_in()
        .exclude(state=RegistrationState.CONFIRMED)
        .exists()
    )
    assert (
        not Registration.objects.checked_in()
        .filter(workshop__starts_at__gt=now)
        .exists()
    )
    # Capacity never exceeded anywhere.
    over = Workshop.objects.annotate(
        n=Count("registrations", filter=Q(registrations__state="confirmed"))
    ).filter(n__gt=F("capacity"))
    assert not over.exists()

    demoday = DemoDay.objects.get(slug=FIRST_DEMODAY)
    session = Workshop.objects.get(slug=FIRST_SESSION)
    assert demoday.results_published_at and demoday.draw_seed == DRAW_SEED
    pitches = list(session.slots.filter(kind=SlotKind.PITCH).order_by("position"))
    # The published draw re-run on the seed gives the demo's running order.
    assert [s.project.slug for s in pitches] == draw_order(
        [project.slug for project in first_wave], DRAW_SEED
    )
    slots = list(session.slots.order_by("position"))
    assert all(a.ends_at == b.starts_at for a, b in zip(slots, slots[1:], strict=False))
    assert slots[0].starts_at == session.starts_at
    assert slots[-1].ends_at <= session.ends_at
    # Votes: one per checked-in voter, tallied in the published results.
    votes = Vote.objects.filter(demoday=demoday)
    assert votes.count() > 5
    assert all(
        v.registration.checked_in_at for v in votes.select_related("registration")
    )
    results = list(DemoDayResult.objects.filter(demoday=demoday).order_by("rank"))
    assert [r.rank for r in results] == [1, 2, 3, 4, 5]
    assert sum(r.audience_votes for r in results) == votes.count()
    assert results[0].prize == "Prix du public"
    assert results[0].audience_votes == max(r.audience_votes for r in results)

    # The open wave: upcoming workshops, one full with a waiting list.
    upcoming = Workshop.objects.filter(call__slug="ami-2", kind=WorkshopKind.WORKSHOP)
    assert upcoming.count() == 3
    assert all(w.starts_at > now for w in upcoming)
    assert all(
        w.registration_opens_at < now < w.registration_closes_at for w in upcoming
    )
    full = Workshop.objects.get(slug=FULL_WORKSHOP)
    assert full.registrations.confirmed().count() == full.capacity == 8
    assert full.registrations.waitlisted().count() == 3
    assert not Registration.objects.filter(created_at__gt=now).exists()
    # The next DemoDay takes registrations now.
    next_session = Workshop.objects.get(slug=NEXT_SESSION)
    assert next_session.demoday.slug == NEXT_DEMODAY
    assert (
        next_session.registration_opens_at < now < next_session.registration_closes_at
    )
    assert next_session.registrations.confirmed().count() == 5
    assert "Workshops:" in out.getvalue()


def test_seed_workshops_is_idempotent(accounts):
    seed_workshops(accounts=accounts)
    first = counts()
    seed_workshops(accounts=accounts)
    assert counts() == first
