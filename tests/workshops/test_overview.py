"""The organisers' agenda, participation figures and emails to participants."""

import datetime

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import CallFactory
from tests.applications.jury.factories_membership import make_juror
from tests.conftest import make_user
from tests.workshops.factories import (
    DemoDaySessionFactory,
    RegistrationFactory,
    RoomFactory,
    WorkshopFactory,
)
from tests.workshops.public_factories import in_days
from workshops.enums import RegistrationState, WorkshopState
from workshops.models import FacilitatorBooking
from workshops.services.messages import (
    MessageError,
    Recipients,
    email_participants,
)

AGENDA = "/gestion/ateliers/agenda/"
FIGURES = "/gestion/ateliers/participation/"


def _past(**fields):
    return WorkshopFactory(
        starts_at=in_days(-10),
        registration_opens_at=in_days(-30),
        registration_closes_at=in_days(-11),
        **fields,
    )


def _people(workshop, *, confirmed=0, checked=0, waiting=0, cancelled=0, tag=""):
    rows = []
    specs = (
        [(RegistrationState.CONFIRMED, True)] * checked
        + [(RegistrationState.CONFIRMED, False)] * (confirmed - checked)
        + [(RegistrationState.WAITLISTED, False)] * waiting
        + [(RegistrationState.CANCELLED, False)] * cancelled
    )
    for number, (state, came) in enumerate(specs):
        rows.append(
            RegistrationFactory(
                workshop=workshop,
                user=make_user(f"p{tag}{workshop.pk}-{number}@example.org"),
                state=state,
                waitlisted_at=timezone.now() + datetime.timedelta(seconds=number)
                if state == RegistrationState.WAITLISTED
                else None,
                checked_in_at=workshop.starts_at if came else None,
            )
        )
    return rows


@pytest.mark.parametrize("url", [AGENDA, FIGURES, "/gestion/ateliers/w/courriel/"])
def test_pages_are_for_organisers_only(client, settings, db, url):
    settings.PORTAL_REQUIRE_MFA = False
    WorkshopFactory(slug="w")
    call = CallFactory()

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user("resident@example.org"))
    assert client.get(url).status_code == 404
    client.force_login(make_juror(call, email="juror@example.org").user)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code in {403, 405}


def test_agenda_groups_by_week_with_rooms_and_facilitators(organiser_client, organiser):
    salle = RoomFactory(name="Salle des fêtes")
    truffaut = RoomFactory(name="Salle Truffaut")
    monday = (timezone.localtime() + datetime.timedelta(days=14)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    monday -= datetime.timedelta(days=monday.weekday())
    first = WorkshopFactory(title="Atelier DTPR", room=salle, starts_at=monday)
    second = WorkshopFactory(
        title="Atelier bruit",
        room=truffaut,
        starts_at=monday + datetime.timedelta(days=2),
    )
    session = DemoDaySessionFactory(
        title="Soirée des pitchs",
        room=salle,
        starts_at=monday + datetime.timedelta(days=7),
    )
    WorkshopFactory(
        title="Brouillon",
        room=None,
        state=WorkshopState.DRAFT,
        starts_at=monday + datetime.timedelta(days=8),
    )
    _past(title="Atelier passé", room=salle)
    FacilitatorBooking.objects.create(
        workshop=first,
        facilitator=organiser,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
    )
    _people(second, confirmed=3, waiting=2)

    response = organiser_client.get(AGENDA)

    weeks = response.context["weeks"]
    assert [(w.monday, [x.title for x in w.workshops]) for w in weeks] == [
        (monday.date(), ["Atelier DTPR", "Atelier bruit"]),
        (
            (monday + datetime.timedelta(days=7)).date(),
            ["Soirée des pitchs", "Brouillon"],
        ),
    ]
    text = response.content.decode()
    assert "Claire Martin" in text
    assert "Salle Truffaut" in text
    assert "3 / 30" in text
    assert "Atelier passé" not in text
    assert session.slug in text  # its email link

    by_room = organiser_client.get(AGENDA, {"room": truffaut.pk})
    assert [x.title for w in by_room.context["weeks"] for x in w.workshops] == [
        "Atelier bruit"
    ]
    past = organiser_client.get(AGENDA, {"period": "past"})
    assert [x.title for w in past.context["weeks"] for x in w.workshops] == [
        "Atelier passé"
    ]


def test_agenda_filters_by_wave(organiser_client):
    first, second = CallFactory(slug="ami-1"), CallFactory(slug="ami-2")
    WorkshopFactory(title="Vague 1", call=first)
    WorkshopFactory(title="Vague 2", call=second)

    response = organiser_client.get(AGENDA, {"wave": "ami-2"})

    assert [x.title for w in response.context["weeks"] for x in w.workshops] == [
        "Vague 2"
    ]
    assert (
        organiser_client.get(AGENDA, {"wave": "x" * 300, "room": "abc"}).status_code
        == 200
    )


def test_agenda_query_count_is_constant(
    organiser_client, organiser, django_assert_num_queries
):
    def add(count, offset):
        for number in range(count):
            workshop = WorkshopFactory(starts_at=in_days(5 + offset + number))
            FacilitatorBooking.objects.create(
                workshop=workshop,
                facilitator=make_user(f"f{offset}-{number}@example.org"),
                starts_at=workshop.starts_at,
                ends_at=workshop.ends_at,
            )
            _people(workshop, confirmed=2, waiting=1, tag=f"{offset}")

    add(2, 0)
    organiser_client.get(AGENDA)
    with django_assert_num_queries(6):
        organiser_client.get(AGENDA)
    add(6, 10)
    with django_assert_num_queries(6):
        response = organiser_client.get(AGENDA)
    assert sum(len(w.workshops) for w in response.context["weeks"]) == 8


def test_participation_figures_and_chart_tables(organiser_client):
    held = _past(title="Atelier tenu", capacity=10)
    _people(held, confirmed=8, checked=6, waiting=2, cancelled=1)
    coming = WorkshopFactory(title="Atelier à venir", capacity=5)
    _people(coming, confirmed=5, waiting=3)
    WorkshopFactory(title="Brouillon", state=WorkshopState.DRAFT)

    response = organiser_client.get("/en" + FIGURES)

    rows = response.context["rows"]
    assert [
        (
            r.workshop.title,
            r.confirmed,
            r.waitlisted,
            r.cancelled,
            r.checked_in,
            r.no_shows,
            r.no_show_rate,
        )
        for r in rows
    ] == [
        ("Atelier tenu", 8, 2, 1, 6, 2, 25.0),
        ("Atelier à venir", 5, 3, 0, 0, None, None),
    ]
    counts = response.context["counts_chart"]
    assert [d["label"] for d in counts["data"]["datasets"]] == [
        "Checked in",
        "No-shows",
        "Confirmed, not yet held",
        "Waiting list",
        "Cancelled",
    ]
    assert [d["data"] for d in counts["data"]["datasets"]] == [
        [6, 0],
        [2, 0],
        [0, 5],
        [2, 3],
        [1, 0],
    ]
    assert response.context["rate_chart"]["data"]["datasets"][0]["data"] == [25.0]
    assert len(response.context["rate_chart"]["data"]["labels"]) == 1
    text = response.content.decode()
    assert 'id="participation-counts-chart"' in text
    assert "25&#8239;%" in text
    assert "Brouillon" not in text


def test_participation_query_count_is_constant(
    organiser_client, django_assert_num_queries
):
    for number in range(2):
        _people(_past(slug=f"a{number}"), confirmed=2, checked=1, tag="a")
    with django_assert_num_queries(5):
        organiser_client.get(FIGURES)
    for number in range(6):
        _people(WorkshopFactory(slug=f"b{number}"), confirmed=1, tag="b")
    with django_assert_num_queries(5):
        response = organiser_client.get(FIGURES)
    assert len(response.context["rows"]) == 8


@pytest.fixture
def workshop(db):
    workshop = WorkshopFactory(title="Atelier DTPR", slug="atelier-dtpr", capacity=2)
    RegistrationFactory(workshop=workshop, user=make_user("ana@example.org"))
    RegistrationFactory(workshop=workshop, user=make_user("bob@example.org"))
    RegistrationFactory(
        workshop=workshop,
        user=make_user("carl@example.org"),
        state=RegistrationState.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    RegistrationFactory(
        workshop=workshop,
        user=make_user("dora@example.org"),
        state=RegistrationState.CANCELLED,
    )
    return workshop


def _emails():
    return sorted(OutgoingEmail.objects.values_list("to", "subject", "kind"))


def test_email_preview_counts_then_send_queues_once(
    organiser_client, workshop, django_capture_on_commit_callbacks
):
    url = "/en/gestion/ateliers/atelier-dtpr/courriel/"
    data = {
        "recipients": "confirmed",
        "subject": "Salle changée",
        "body": "Rendez-vous salle Truffaut.",
    }

    preview = organiser_client.post(url, {**data, "preview": "1"})

    assert preview.status_code == 200
    assert preview.context["preview"]["count"] == 2
    assert OutgoingEmail.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=False):
        sent = organiser_client.post(url, {**data, "send": "1"})
        again = organiser_client.post(url, {**data, "send": "1"}, follow=True)
    assert sent.status_code == 302
    assert _emails() == [
        ("ana@example.org", "Salle changée", "workshop"),
        ("bob@example.org", "Salle changée", "workshop"),
    ]
    assert "nothing new was queued" in again.content.decode()
    events = AuditEvent.objects.filter(verb="workshop.participants_emailed")
    assert [e.data["queued"] for e in events.order_by("id")] == [2, 0]


def test_email_with_waitlist_reaches_it_and_never_the_cancelled(
    workshop, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = email_participants(
            workshop,
            subject="Rappel",
            body="À mardi.",
            recipients=Recipients.CONFIRMED,
            actor=organiser,
        )
        second = email_participants(
            workshop,
            subject="Rappel",
            body="À mardi.",
            recipients=Recipients.WITH_WAITLIST,
            actor=organiser,
        )
    assert (first, second) == (2, 1)
    assert [to for to, _s, _k in _emails()] == [
        "ana@example.org",
        "bob@example.org",
        "carl@example.org",
    ]


def test_email_refuses_empty_or_huge_messages(workshop, organiser, organiser_client):
    with pytest.raises(MessageError):
        email_participants(
            workshop,
            subject=" ",
            body="x",
            recipients=Recipients.CONFIRMED,
            actor=organiser,
        )
    with pytest.raises(MessageError):
        email_participants(
            workshop, subject="x", body="y", recipients="everyone", actor=organiser
        )
    response = organiser_client.post(
        "/gestion/ateliers/atelier-dtpr/courriel/",
        {"recipients": "all", "subject": "x" * 5000, "body": "", "send": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"recipients", "subject", "body"}
    assert OutgoingEmail.objects.count() == 0


def test_email_page_of_unknown_workshop_is_404(organiser_client):
    assert organiser_client.get("/gestion/ateliers/nope/courriel/").status_code == 404
