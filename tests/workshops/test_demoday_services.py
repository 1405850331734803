"""DemoDay services: running order, jury scores, audience vote, results."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from applications.jury.calculations import weighted_score
from portal.audit.models import AuditEvent
from tests.applications.factories import UserFactory
from tests.workshops.demoday_factories import check_in, make_demoday, paris
from tests.workshops.factories import DemoDaySessionFactory, RegistrationFactory
from workshops.enums import SlotKind
from workshops.models import DemoDayResult, PitchScore, Slot, Vote
from workshops.selectors.demoday import (
    demoday_pitch_for_project,
    demoday_results_for_project,
    jury_totals,
)
from workshops.services.demoday import (
    DemoDayError,
    draw_running_order,
    publish_running_order,
    save_plan,
    save_session,
)
from workshops.services.demoday_results import (
    NOT_APPLICABLE,
    VoteError,
    add_juror,
    cast_vote,
    publish_results,
    record_pitch_scores,
    remove_juror,
    save_results,
)


@pytest.fixture(autouse=True)
def _in_english():
    """These tests read the English messages (the French are in the catalogue);
    ``reverse`` then gives the /en/ addresses."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

SEED = "batignolles-2026"


def order_of(demoday):
    return [
        (
            slot.session.slug,
            slot.position,
            slot.kind,
            slot.project.slug if slot.project else "",
        )
        for slot in Slot.objects.filter(session__demoday=demoday)
        .select_related("session", "project")
        .order_by("session__starts_at", "position")
    ]


def settings_for(demoday, **overrides):
    values = {
        "pitch_minutes": 5,
        "questions_minutes": 3,
        "break_every": 0,
        "break_minutes": 10,
        "group_by_theme": False,
    }
    values.update(overrides)
    return values


def test_create_demoday_defaults_to_the_active_projects_of_the_wave(organiser):
    demoday, _sessions, projects = make_demoday(organiser)
    assert sorted(p.slug for p in demoday.plan.projects.all()) == [
        "bruit-nocturne",
        "commerces",
        "eclairage",
        "livraisons",
        "pmr",
    ]
    assert [c.key for c in demoday.criteria.all()] == [
        "results",
        "usefulness",
        "responsibility",
        "pitch",
    ]


def test_draw_running_order_reproduces_with_the_same_seed(organiser):
    demoday, sessions, _projects = make_demoday(organiser)
    draw_running_order(demoday, seed=SEED, actor=organiser)
    first = order_of(demoday)
    assert first == [
        ("demoday-2027-session-1", 1, SlotKind.PITCH, "livraisons"),
        ("demoday-2027-session-1", 2, SlotKind.PITCH, "commerces"),
        ("demoday-2027-session-1", 3, SlotKind.PITCH, "eclairage"),
        ("demoday-2027-session-1", 4, SlotKind.PITCH, "pmr"),
        ("demoday-2027-session-1", 5, SlotKind.PITCH, "bruit-nocturne"),
    ]
    draw_running_order(demoday, seed="autre", actor=organiser)
    assert [row[3] for row in order_of(demoday)] == [
        "livraisons",
        "bruit-nocturne",
        "commerces",
        "pmr",
        "eclairage",
    ]
    draw_running_order(demoday, seed=SEED, actor=organiser)
    assert order_of(demoday) == first
    demoday.refresh_from_db()
    assert demoday.draw_seed == SEED
    event = AuditEvent.objects.filter(verb="demoday.order_drawn").latest("id")
    assert event.data == {
        "seed": SEED,
        "order": ["livraisons", "commerces", "eclairage", "pmr", "bruit-nocturne"],
    }


def test_draw_running_order_random_seed_when_empty(organiser):
    demoday, _sessions, _projects = make_demoday(organiser)
    draw_running_order(demoday, seed="", actor=organiser)
    demoday.refresh_from_db()
    assert len(demoday.draw_seed) == 16


def test_draw_running_order_grouped_by_theme_with_breaks_and_times(organiser):
    demoday, sessions, projects = make_demoday(organiser, sessions=2)
    save_plan(
        demoday,
        projects=projects,
        settings=settings_for(demoday, group_by_theme=True, break_every=2),
        actor=organiser,
    )
    draw_running_order(demoday, seed=SEED, actor=organiser)
    rows = [
        (
            s.session.slug,
            s.position,
            s.kind,
            s.project.slug if s.project else "",
            s.starts_at,
            s.ends_at,
        )
        for s in Slot.objects.select_related("session", "project").order_by(
            "session__starts_at", "position"
        )
    ]
    one, two = "demoday-2027-session-1", "demoday-2027-session-2"
    assert rows == [
        (
            one,
            1,
            "pitch",
            "bruit-nocturne",
            paris(2027, 2, 4, 14, 0),
            paris(2027, 2, 4, 14, 8),
        ),
        (
            one,
            2,
            "pitch",
            "eclairage",
            paris(2027, 2, 4, 14, 8),
            paris(2027, 2, 4, 14, 16),
        ),
        (one, 3, "break", "", paris(2027, 2, 4, 14, 16), paris(2027, 2, 4, 14, 26)),
        (
            one,
            4,
            "pitch",
            "commerces",
            paris(2027, 2, 4, 14, 26),
            paris(2027, 2, 4, 14, 34),
        ),
        (
            two,
            1,
            "pitch",
            "livraisons",
            paris(2027, 2, 4, 17, 0),
            paris(2027, 2, 4, 17, 8),
        ),
        (two, 2, "pitch", "pmr", paris(2027, 2, 4, 17, 8), paris(2027, 2, 4, 17, 16)),
    ]


def test_draw_running_order_overflow_refused_with_a_message(organiser):
    demoday, sessions, projects = make_demoday(organiser)
    save_plan(
        demoday,
        projects=projects,
        settings=settings_for(demoday, pitch_minutes=30, questions_minutes=10),
        actor=organiser,
    )
    with pytest.raises(DemoDayError) as caught:
        draw_running_order(demoday, seed=SEED, actor=organiser)
    assert caught.value.messages == [
        "The pitches do not fit in the session “Session 1”: they would end at "
        "17:20. Add a session, shorten the pitches or lengthen the session."
    ]
    assert Slot.objects.count() == 0


def test_draw_running_order_refused_without_sessions_or_after_publication(organiser):
    demoday, sessions, _projects = make_demoday(organiser, sessions=0)
    with pytest.raises(DemoDayError):
        draw_running_order(demoday, seed=SEED, actor=organiser)
    DemoDaySessionFactory(
        demoday=demoday,
        call=demoday.call,
        starts_at=paris(2027, 2, 4, 14),
        ends_at=paris(2027, 2, 4, 16),
    )
    draw_running_order(demoday, seed=SEED, actor=organiser)
    publish_running_order(demoday, actor=organiser)
    demoday.refresh_from_db()
    assert demoday.order_published_at is not None
    with pytest.raises(DemoDayError):
        draw_running_order(demoday, seed="autre", actor=organiser)
    with pytest.raises(DemoDayError):
        save_plan(demoday, projects=[], settings=settings_for(demoday), actor=organiser)


def test_draw_running_order_seed_too_long_refused(organiser):
    demoday, _sessions, _projects = make_demoday(organiser)
    with pytest.raises(DemoDayError):
        draw_running_order(demoday, seed="x" * 65, actor=organiser)


def test_publish_running_order_needs_a_draw(organiser):
    demoday, _sessions, _projects = make_demoday(organiser)
    with pytest.raises(DemoDayError) as caught:
        publish_running_order(demoday, actor=organiser)
    assert caught.value.messages == ["Draw the running order before publishing it."]


def test_save_session_room_double_booked_refused(organiser):
    demoday, sessions, _projects = make_demoday(organiser)
    with pytest.raises(DemoDayError) as caught:
        save_session(
            demoday,
            fields={
                "slug": "autre-session",
                "title": "Autre",
                "title_en": "",
                "room": sessions[0].room,
                "starts_at": paris(2027, 2, 4, 15),
                "ends_at": paris(2027, 2, 4, 18),
                "capacity": 20,
                "registration_opens_at": paris(2027, 1, 1, 9),
                "registration_closes_at": paris(2027, 2, 4, 15),
            },
            published=True,
            actor=organiser,
        )
    assert caught.value.messages == [
        "This room is already booked for another workshop at that time."
    ]


# --- The audience vote ----------------------------------------------------------


@pytest.fixture
def published(organiser):
    demoday, sessions, projects = make_demoday(
        organiser,
        voting_opens_at=paris(2027, 2, 4, 14),
        voting_closes_at=paris(2027, 2, 4, 17),
    )
    draw_running_order(demoday, seed=SEED, actor=organiser)
    publish_running_order(demoday, actor=organiser)
    demoday.refresh_from_db()
    return demoday, sessions, {p.slug: p for p in projects}


DURING = paris(2027, 2, 4, 15)


def test_cast_vote_once_per_checked_in_attendee(published, user):
    demoday, sessions, projects = published
    check_in(sessions[0], user)
    vote = cast_vote(demoday, projects["pmr"], user=user, now=DURING)
    assert (vote.voter, vote.project, vote.cast_at) == (user, projects["pmr"], DURING)
    with pytest.raises(VoteError) as caught:
        cast_vote(demoday, projects["livraisons"], user=user, now=DURING)
    assert caught.value.messages == ["You have already voted."]
    assert Vote.objects.filter(demoday=demoday).count() == 1


def test_vote_unique_in_the_database(published, user):
    demoday, sessions, projects = published
    check_in(sessions[0], user)
    Vote.objects.create(demoday=demoday, voter=user, project=projects["pmr"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(demoday=demoday, voter=user, project=projects["livraisons"])


def test_cast_vote_not_checked_in_refused(published, user):
    demoday, sessions, projects = published
    RegistrationFactory(workshop=sessions[0], user=user)  # confirmed, not checked in
    with pytest.raises(VoteError) as caught:
        cast_vote(demoday, projects["pmr"], user=user, now=DURING)
    assert caught.value.messages == [
        "Only attendees checked in at the DemoDay may vote."
    ]
    assert Vote.objects.count() == 0


def test_cast_vote_checked_in_at_another_demoday_refused(published, organiser, user):
    demoday, _sessions, projects = published
    other, other_sessions, _p = make_demoday(organiser, slug="autre-demoday")
    check_in(other_sessions[0], user)
    with pytest.raises(VoteError):
        cast_vote(demoday, projects["pmr"], user=user, now=DURING)


@pytest.mark.parametrize(
    "moment",
    [paris(2027, 2, 4, 13, 59), paris(2027, 2, 4, 17, 0), paris(2027, 3, 1, 12)],
)
def test_cast_vote_outside_the_window_refused(published, user, moment):
    demoday, sessions, projects = published
    check_in(sessions[0], user)
    with pytest.raises(VoteError) as caught:
        cast_vote(demoday, projects["pmr"], user=user, now=moment)
    assert caught.value.messages == ["The audience vote is not open."]


def test_cast_vote_for_a_project_that_does_not_pitch_refused(published, user):
    demoday, sessions, _projects = published
    check_in(sessions[0], user)
    from applications.models import Project

    stopped = Project.objects.get(slug="arrete")
    with pytest.raises(VoteError):
        cast_vote(demoday, stopped, user=user, now=DURING)


# --- The jury -------------------------------------------------------------------


def test_record_pitch_scores_and_totals(published, organiser):
    demoday, _sessions, projects = published
    juror_a, juror_b = UserFactory(), UserFactory()
    add_juror(demoday, user=juror_a, actor=organiser)
    add_juror(demoday, user=juror_b, actor=organiser)
    results, usefulness, responsibility, pitch = demoday.criteria.all()
    record_pitch_scores(
        demoday,
        projects["pmr"],
        juror=juror_a,
        scores={
            results.pk: 5,
            usefulness.pk: 4,
            responsibility.pk: NOT_APPLICABLE,
            pitch.pk: 3,
        },
    )
    record_pitch_scores(
        demoday,
        projects["pmr"],
        juror=juror_b,
        scores={results.pk: 2, usefulness.pk: 2, responsibility.pk: 2, pitch.pk: 2},
    )
    # A: (30*5 + 30*4 + 20*3) / 5 / 80 * 100 = 82.5 ; B: 2/5 = 40.
    assert (
        weighted_score(
            [
                (5, 5, 30, False),
                (4, 5, 30, False),
                (None, 5, 20, True),
                (3, 5, 20, False),
            ]
        )
        == 82.5
    )
    assert jury_totals(demoday) == {projects["pmr"].pk: {"score": 61.25, "jurors": 2}}
    na = PitchScore.objects.get(juror=juror_a, criterion=responsibility)
    assert (na.value, na.not_applicable) == (None, True)


def test_record_pitch_scores_refused_for_non_jurors_and_bad_values(
    published, organiser, user
):
    demoday, _sessions, projects = published
    criterion = demoday.criteria.first()
    with pytest.raises(DemoDayError) as caught:
        record_pitch_scores(
            demoday, projects["pmr"], juror=user, scores={criterion.pk: 3}
        )
    assert caught.value.messages == ["You are not a juror of this DemoDay."]
    add_juror(demoday, user=user, actor=organiser)
    for bad in (6, -1, "3", True):
        with pytest.raises(DemoDayError):
            record_pitch_scores(
                demoday, projects["pmr"], juror=user, scores={criterion.pk: bad}
            )
    assert PitchScore.objects.count() == 0


def test_remove_juror_refused_once_they_scored(published, organiser, user):
    demoday, _sessions, projects = published
    juror = add_juror(demoday, user=user, actor=organiser)
    with pytest.raises(DemoDayError):
        add_juror(demoday, user=user, actor=organiser)
    record_pitch_scores(
        demoday, projects["pmr"], juror=user, scores={demoday.criteria.first().pk: 4}
    )
    with pytest.raises(DemoDayError):
        remove_juror(juror, actor=organiser)


# --- Results --------------------------------------------------------------------


def test_results_publication_counts_votes_and_feeds_the_project_page(
    published, organiser
):
    demoday, sessions, projects = published
    for slug in ["pmr", "pmr", "livraisons"]:
        voter = UserFactory()
        check_in(sessions[0], voter)
        cast_vote(demoday, projects[slug], user=voter, now=DURING)
    save_results(
        demoday,
        rows={
            projects["pmr"]: {
                "prize": "Prix du public",
                "prize_en": "Audience prize",
                "rank": 1,
                "continues": True,
            },
            projects["livraisons"]: {
                "prize": "",
                "prize_en": "",
                "rank": 2,
                "continues": False,
            },
        },
        actor=organiser,
    )
    with pytest.raises(DemoDayError) as caught:
        publish_results(demoday, actor=organiser, now=DURING)
    assert caught.value.messages == [
        "The audience vote is not closed yet: publish after it closes."
    ]
    assert demoday_results_for_project(projects["pmr"]) == []
    publish_results(demoday, actor=organiser, now=paris(2027, 2, 4, 18))
    rows = {
        r.project.slug: (r.prize, r.rank, r.continues, r.audience_votes)
        for r in DemoDayResult.objects.select_related("project")
    }
    assert rows == {
        "pmr": ("Prix du public", 1, True, 2),
        "livraisons": ("", 2, False, 1),
    }
    [result] = demoday_results_for_project(projects["pmr"])
    assert (result.demoday, result.prize) == (demoday, "Prix du public")
    pitch = demoday_pitch_for_project(projects["pmr"])
    assert (pitch.session, pitch.starts_at) == (sessions[0], paris(2027, 2, 4, 14, 24))
    with pytest.raises(DemoDayError):
        publish_results(demoday, actor=organiser, now=paris(2027, 2, 4, 18))


def test_demoday_pitch_for_project_none_before_publication(organiser):
    demoday, _sessions, projects = make_demoday(organiser)
    draw_running_order(demoday, seed=SEED, actor=organiser)
    assert demoday_pitch_for_project(projects[0]) is None


def test_publish_results_needs_saved_results(published, organiser):
    demoday, _sessions, _projects = published
    with pytest.raises(DemoDayError) as caught:
        publish_results(
            demoday, actor=organiser, now=timezone.now() + datetime.timedelta(days=9999)
        )
    assert caught.value.messages == ["Save the results before publishing them."]
