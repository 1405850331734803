"""The feedback survey: emailed once to attendees after the workshop, one
answer per registration, the organisers' results."""

import datetime

import pytest
from django.urls import reverse

from portal.outbox.enums import EmailKind
from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user
from workshops.models import FeedbackInvitation, FeedbackResponse
from workshops.services.checkin import check_in
from workshops.services.feedback import FeedbackError, record_feedback
from workshops.tasks import send_feedback_invitations_task

from .wafter_factories import *  # noqa: F403
from .wafter_factories import client_for, hours_from_now, make_workshop, register


@pytest.fixture
def ended(db):
    """A workshop that ended an hour ago."""
    return make_workshop("atelier-passe", started_hours_ago=3, length_hours=2)


def test_feedback_email_sent_once_to_attendees_only(
    ended, user, other_user, organiser, django_capture_on_commit_callbacks
):
    came = register(ended, user)
    register(ended, other_user)  # confirmed, never checked in
    check_in(came, actor=organiser)

    with django_capture_on_commit_callbacks(execute=False):
        assert send_feedback_invitations_task.delay().get() == 1
        assert send_feedback_invitations_task.delay().get() == 0

    email = OutgoingEmail.objects.get()
    assert (email.kind, email.to, email.idempotency_key, email.about) == (
        EmailKind.FEEDBACK,
        "lea@example.org",
        f"workshop-feedback:{came.pk}",
        "atelier-passe",
    )
    assert "/agenda/atelier-passe/avis/" in email.body
    assert FeedbackInvitation.objects.get().registration == came


def test_feedback_not_sent_before_the_end_nor_long_after(
    db, user, other_user, organiser
):
    running = make_workshop("en-cours", started_hours_ago=1, length_hours=2)
    old = make_workshop("ancien", started_hours_ago=24 * 20, length_hours=2)
    for workshop, person in [(running, user), (old, other_user)]:
        check_in(register(workshop, person), actor=organiser)

    assert send_feedback_invitations_task.delay().get() == 0
    assert OutgoingEmail.objects.count() == 0


def test_one_answer_per_registration(ended, user, organiser):
    registration = register(ended, user)
    check_in(registration, actor=organiser)

    record_feedback(registration, rating=4, useful="Les fiches", improve="")
    with pytest.raises(FeedbackError) as error:
        record_feedback(registration, rating=1, useful="", improve="")

    assert error.value.message == "You already answered this survey: thank you."
    assert list(FeedbackResponse.objects.values_list("rating", flat=True)) == [4]


def test_feedback_refused_to_someone_who_did_not_come(ended, user):
    registration = register(ended, user)

    with pytest.raises(FeedbackError):
        record_feedback(registration, rating=4, useful="", improve="")


def test_feedback_form_posts_one_answer(client, ended, user, organiser):
    registration = register(ended, user)
    check_in(registration, actor=organiser)
    client_for(client, user)
    url = reverse("workshops:feedback", kwargs={"slug": ended.slug})

    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": "5", "useful": "Tout", "improve": "Rien"})
    again = client.post(url, {"rating": "1", "useful": "", "improve": ""})

    assert (response.status_code, again.status_code) == (302, 200)
    answer = FeedbackResponse.objects.get()
    assert (answer.registration, answer.rating, answer.useful, answer.improve) == (
        registration,
        5,
        "Tout",
        "Rien",
    )
    assert "You answered this survey" in client.get(url).content.decode()


@pytest.mark.parametrize("rating", ["0", "6", "99999999999999999999", "abc", ""])
def test_feedback_form_refuses_a_hostile_rating(client, ended, user, organiser, rating):
    check_in(register(ended, user), actor=organiser)
    client_for(client, user)

    response = client.post(
        reverse("workshops:feedback", kwargs={"slug": ended.slug}), {"rating": rating}
    )

    assert response.status_code == 400
    assert FeedbackResponse.objects.count() == 0


def test_feedback_form_is_404_to_someone_who_did_not_come(client, ended, user):
    register(ended, user)
    client_for(client, user)

    response = client.get(reverse("workshops:feedback", kwargs={"slug": ended.slug}))

    assert response.status_code == 404


def test_organiser_sees_average_chart_and_answers(
    organiser_client, ended, organiser, user, other_user
):
    for person, rating, useful in [(user, 4, "Les fiches"), (other_user, 5, "Tout")]:
        registration = register(ended, person)
        check_in(registration, actor=organiser)
        record_feedback(registration, rating=rating, useful=useful, improve="")

    response = organiser_client.get(
        reverse("workshops_bo:feedback", kwargs={"slug": ended.slug})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 answers, average rating 4.5 / 5." in html
    assert response.context["summary"]["distribution"] == [
        (1, 0),
        (2, 0),
        (3, 0),
        (4, 1),
        (5, 1),
    ]
    assert response.context["chart"]["data"]["datasets"][0]["data"] == [0, 0, 0, 1, 1]
    assert 'data-chart="chart-ratings"' in html
    assert "Les fiches" in html


def test_feedback_results_refused_to_a_facilitator(client, ended):
    from .wafter_factories import book_facilitator

    person = make_user("yasmine@example.org", full_name="Yasmine Benali")
    book_facilitator(ended, person)
    client_for(client, person)

    response = client.get(reverse("workshops_bo:feedback", kwargs={"slug": ended.slug}))

    assert response.status_code == 404  # the back office hides itself


def test_hours_helper_is_aware():
    assert hours_from_now(0).tzinfo is not None
    assert isinstance(hours_from_now(1) - hours_from_now(0), datetime.timedelta)
