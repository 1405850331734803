"""The workshops' share of a person's export and erasure."""

import os

import pytest

from portal.accounts.services import erase_user, export_personal_data
from workshops.models import CalendarFeed, Certificate, FeedbackResponse
from workshops.services.certificates import request_certificates
from workshops.services.checkin import check_in
from workshops.services.feedback import record_feedback
from workshops.services.feeds import new_feed

from .wafter_factories import *  # noqa: F403
from .wafter_factories import make_workshop, register


@pytest.fixture
def attended(user, organiser, django_capture_on_commit_callbacks):
    workshop = make_workshop(
        "vie-privee", title="Vie privée dès la conception", started_hours_ago=3
    )
    registration = register(workshop, user)
    check_in(registration, actor=organiser)
    registration.refresh_from_db()
    record_feedback(registration, rating=4, useful="Les fiches DTPR", improve="")
    with django_capture_on_commit_callbacks(execute=True):
        request_certificates(workshop, actor=organiser)
    new_feed(user)
    return registration


def test_export_lists_registrations_feedback_and_certificate(attended, user):
    certificate = Certificate.objects.get()

    data = export_personal_data(user)["workshops"]

    assert data == [
        {
            "workshop": "Vie privée dès la conception",
            "starts_at": attended.workshop.starts_at.isoformat(),
            "state": "confirmed",
            "registered_at": attended.created_at.isoformat(),
            "checked_in_at": attended.checked_in_at.isoformat(),
            "feedback": {"rating": 4, "useful": "Les fiches DTPR", "improve": ""},
            "certificate": {"code": certificate.code, "holder_name": "Léa Fontaine"},
        }
    ]


def test_erasure_blanks_certificate_feedback_and_deletes_feeds(
    attended, user, django_capture_on_commit_callbacks
):
    path = Certificate.objects.get().file.path

    with django_capture_on_commit_callbacks(execute=True):
        erase_user(user, actor=user)

    certificate = Certificate.objects.get()
    answer = FeedbackResponse.objects.get()
    assert (certificate.holder_name, certificate.file.name) == ("", "")
    assert (answer.rating, answer.useful, answer.improve) == (4, "", "")
    assert CalendarFeed.objects.count() == 0
    assert os.path.exists(path) is False
