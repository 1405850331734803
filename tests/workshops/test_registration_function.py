"""``workshops_register``: the registration's one round trip (issue 10).

What the function writes (the row, the counter, the audit event), what it
answers (the position, each refusal in words) and the races it must survive:
the same person posting twice at once, a workshop closed after the page was
read.
"""

import datetime
import threading

import pytest
from django.db import connections
from django.utils import timezone
from django.utils.translation import override

from portal.audit.models import AuditEvent
from tests.conftest import make_user
from tests.datasets.conftest import make_project
from workshops.enums import Audience, RegistrationState
from workshops.models import Registration, Workshop
from workshops.services.registration import RegistrationError, register

from .factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def test_a_confirmed_registration_writes_its_row_counter_and_event():
    workshop = WorkshopFactory(capacity=2)
    user = make_user("ines@example.org")
    now = timezone.now()

    registration = register(workshop, user=user, now=now)

    row = Registration.objects.get(workshop=workshop, user=user)
    assert row.pk == registration.pk
    assert (row.state, row.seat, row.project_id) == ("confirmed", "resident", None)
    assert row.confirmed_at == now
    assert row.waitlisted_at is None
    assert row.ics_sequence_sent == workshop.sequence
    assert row.checkin_token == registration.checkin_token
    assert len(row.checkin_token) == 32
    assert registration.position is None
    workshop.refresh_from_db()
    assert (workshop.taken_resident_seats, workshop.taken_project_seats) == (1, 0)
    event = AuditEvent.objects.get(verb="workshop.registered")
    assert event.actor_id == user.pk
    assert event.target_id == str(row.pk)
    assert event.target == row
    assert event.before is None
    assert event.after == {"state": "confirmed", "seat": "resident"}
    assert event.data == {"workshop": workshop.slug}


def test_the_waiting_list_answers_each_persons_position():
    workshop = WorkshopFactory(capacity=1)
    first, second, third = (make_user(f"w{i}@example.org") for i in range(3))

    assert register(workshop, user=first).position is None
    waiting = [register(workshop, user=user) for user in (second, third)]

    assert [(r.state, r.position) for r in waiting] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert list(
        AuditEvent.objects.filter(verb="workshop.waitlisted")
        .order_by("id")
        .values_list("actor__email", "after")
    ) == [
        ("w1@example.org", {"state": "waitlisted", "seat": "resident"}),
        ("w2@example.org", {"state": "waitlisted", "seat": "resident"}),
    ]
    workshop.refresh_from_db()
    assert workshop.taken_resident_seats == 1


def test_a_team_member_takes_a_project_seat_for_the_chosen_project():
    lead = make_user("lead@example.org")
    make_project(lead, "Bancs connectés")
    chosen = make_project(lead, "Arbres et fraîcheur")
    workshop = WorkshopFactory(audience=Audience.BOTH, capacity=3)

    registration = register(workshop, user=lead, project=chosen)

    row = Registration.objects.get(pk=registration.pk)
    assert (row.seat, row.project_id) == ("project", chosen.pk)
    workshop.refresh_from_db()
    assert (workshop.taken_project_seats, workshop.taken_resident_seats) == (1, 0)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Vous n\u2019êtes pas membre de l\u2019équipe de ce projet."),
        ("en", "You are not a member of the team of this project."),
    ],
)
def test_someone_outside_the_team_is_refused_in_words(language, expected):
    lead = make_user("lead@example.org")
    project = make_project(lead, "Bancs connectés")
    outsider = make_user("outsider@example.org")
    workshop = WorkshopFactory(audience=Audience.BOTH)

    with override(language), pytest.raises(RegistrationError) as refused:
        register(workshop, user=outsider, project=project)

    assert refused.value.messages == [expected]
    assert not Registration.objects.filter(workshop=workshop).exists()
    workshop.refresh_from_db()
    assert (workshop.taken_project_seats, workshop.taken_resident_seats) == (0, 0)
    assert not AuditEvent.objects.filter(verb__startswith="workshop.").exists()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unverified", "Please verify your email address before registering."),
        ("projects_only", "This workshop is reserved for the teams of the projects."),
        ("already", "You are already registered for this workshop."),
    ],
)
def test_each_refusal_says_why_and_changes_nothing(case, expected):
    user = make_user("someone@example.org", verified=case != "unverified")
    audience = Audience.PROJECTS if case == "projects_only" else Audience.BOTH
    workshop = WorkshopFactory(audience=audience, capacity=5)
    if case == "already":
        register(workshop, user=user)

    with override("en"), pytest.raises(RegistrationError) as refused:
        register(workshop, user=user)

    assert refused.value.messages == [expected]
    assert Registration.objects.filter(workshop=workshop).count() == (
        1 if case == "already" else 0
    )
    workshop.refresh_from_db()
    assert workshop.taken_resident_seats == (1 if case == "already" else 0)


def test_a_workshop_closed_after_its_page_was_read_is_refused():
    """The page (the ``workshop`` object) says open; the database says
    closed: the database wins, nothing is written."""
    workshop = WorkshopFactory(capacity=5)
    Workshop.objects.filter(pk=workshop.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    user = make_user("late@example.org")

    with override("en"), pytest.raises(RegistrationError) as refused:
        register(workshop, user=user)

    assert refused.value.messages == ["Registration is closed."]
    assert not Registration.objects.filter(workshop=workshop).exists()
    assert Workshop.objects.get(pk=workshop.pk).taken_resident_seats == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_person_posting_twice_at_once_gets_one_seat():
    """A double click: two requests of one person at once. One registration,
    one seat taken, the other request told so; repeated to meet the race."""
    for attempt in range(8):
        workshop = WorkshopFactory(capacity=3)
        user = make_user(f"double-{attempt}@example.org")
        barrier = threading.Barrier(2)
        outcomes = []

        def post(workshop=workshop, user=user, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=5)
                with override("en"):
                    outcomes.append(register(workshop, user=user).state)
            except RegistrationError as error:
                outcomes.append(error.messages[0])
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(outcomes, key=len) == [
            RegistrationState.CONFIRMED,
            "You are already registered for this workshop.",
        ]
        assert Registration.objects.filter(workshop=workshop).count() == 1
        assert Workshop.objects.get(pk=workshop.pk).taken_resident_seats == 1
        assert (
            AuditEvent.objects.filter(
                verb="workshop.registered", data__workshop=workshop.slug
            ).count()
            == 1
        )


def test_by_slug_a_missing_workshop_or_a_draft_is_not_found(client):
    from workshops.services.registration import register_by_slug

    user = make_user("resident@example.org")
    draft = WorkshopFactory(state="draft")

    with pytest.raises(Workshop.DoesNotExist):
        register_by_slug("no-such-workshop", user=user)
    with pytest.raises(Workshop.DoesNotExist):
        register_by_slug(draft.slug, user=user)
    client.force_login(user)
    response = client.post(f"/agenda/{draft.slug}/inscription/")
    assert response.status_code == 404
    assert not Registration.objects.exists()
    assert Workshop.objects.get(pk=draft.pk).taken_resident_seats == 0


def test_by_slug_an_organiser_is_told_a_draft_is_not_open(organiser):
    from workshops.services.registration import register_by_slug

    draft = WorkshopFactory(state="draft")
    with override("en"), pytest.raises(RegistrationError) as refused:
        register_by_slug(draft.slug, user=organiser)
    assert refused.value.messages == ["This workshop is not open for registration."]
    assert not Registration.objects.exists()


def test_by_slug_the_registration_is_written_once():
    from workshops.services.registration import register_by_slug

    workshop = WorkshopFactory(capacity=1)
    first = register_by_slug(workshop.slug, user=make_user("a@example.org"))
    second = register_by_slug(workshop.slug, user=make_user("b@example.org"))
    assert (first.state, first.workshop_id, first.position) == (
        "confirmed",
        workshop.pk,
        None,
    )
    assert (second.state, second.workshop_id, second.position) == (
        "waitlisted",
        workshop.pk,
        1,
    )
    assert list(
        Registration.objects.order_by("id").values_list("user__email", "state")
    ) == [("a@example.org", "confirmed"), ("b@example.org", "waitlisted")]


@pytest.mark.parametrize(
    ("outcome", "french"),
    [
        (
            "unverified",
            "Merci de vérifier votre adresse électronique avant de vous inscrire.",
        ),
        ("not_member", "Vous n\u2019êtes pas membre de l\u2019équipe de ce projet."),
        ("projects_only", "Cet atelier est réservé aux équipes des projets."),
        ("draft", "Cet atelier n\u2019est pas ouvert aux inscriptions."),
        ("not_published", "Cet atelier n\u2019est pas ouvert aux inscriptions."),
        ("not_open", "Les inscriptions ne sont pas encore ouvertes."),
        ("closed", "Les inscriptions sont closes."),
        ("already", "Vous êtes déjà inscrit·e à cet atelier."),
    ],
)
def test_every_refusal_reads_in_french(outcome, french):
    """Each word the function can answer has its French sentence (a message
    that makemessages did not extract would come out in English)."""
    from workshops.services.registration import _REFUSALS

    with override("fr"):
        assert str(_REFUSALS[outcome]) == french
