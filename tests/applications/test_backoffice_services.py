"""The back-office services: each transition allowed and refused."""

import pytest
from django.core import mail

from applications.enums import ApplicationState, CallPhase, EmailStatus
from applications.models import SentEmail
from applications.services import (
    ApplicationStateError,
    decide_application,
    mark_admissible,
    mark_inadmissible,
    start_review,
)
from portal.audit.models import AuditEvent
from tests.applications.factories import ApplicationFactory

S = ApplicationState


@pytest.fixture(autouse=True)
def eager_celery():
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def phase_for(action):
    """The call's phase in which ``action`` is done."""
    if action == "review":
        return CallPhase.REVIEW
    if action in ("admissible", "inadmissible"):
        return CallPhase.ADMISSIBILITY
    return CallPhase.DELIBERATION


def in_phase(application, action):
    call = application.call
    call.phase = phase_for(action)
    call.save(update_fields=["phase"])
    return application


def run(action, application, actor):
    if action == "admissible":
        return mark_admissible(application, actor=actor)
    if action == "inadmissible":
        return mark_inadmissible(application, reason="Hors périmètre.", actor=actor)
    if action == "review":
        return start_review(application, actor=actor)
    return decide_application(application, action, feedback="Merci.", actor=actor)


ALLOWED = [
    ("admissible", S.SUBMITTED, S.ADMISSIBLE),
    ("admissible", S.INADMISSIBLE, S.ADMISSIBLE),
    ("inadmissible", S.SUBMITTED, S.INADMISSIBLE),
    ("inadmissible", S.ADMISSIBLE, S.INADMISSIBLE),
    ("review", S.ADMISSIBLE, S.UNDER_REVIEW),
    (S.RETAINED, S.UNDER_REVIEW, S.RETAINED),
    (S.WAITING_LIST, S.UNDER_REVIEW, S.WAITING_LIST),
    (S.NOT_RETAINED, S.UNDER_REVIEW, S.NOT_RETAINED),
    (S.RETAINED, S.WAITING_LIST, S.RETAINED),
    (S.NOT_RETAINED, S.WAITING_LIST, S.NOT_RETAINED),
]

REFUSED = [
    ("admissible", S.DRAFT),
    ("admissible", S.WITHDRAWN),
    ("admissible", S.RETAINED),
    ("inadmissible", S.DRAFT),
    ("inadmissible", S.UNDER_REVIEW),
    ("inadmissible", S.INADMISSIBLE),
    ("review", S.SUBMITTED),
    ("review", S.INADMISSIBLE),
    ("review", S.UNDER_REVIEW),
    (S.RETAINED, S.SUBMITTED),
    (S.RETAINED, S.ADMISSIBLE),
    (S.WAITING_LIST, S.WAITING_LIST),
    (S.NOT_RETAINED, S.RETAINED),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "before", "after"), ALLOWED)
def test_backoffice_transition_allowed(
    action, before, after, organiser, django_capture_on_commit_callbacks
):
    application = in_phase(ApplicationFactory(state=before), action)
    with django_capture_on_commit_callbacks(execute=True):
        run(action, application, organiser)
    application.refresh_from_db()
    assert application.state == after
    event = AuditEvent.objects.for_object(application).get()
    assert (event.verb, event.actor, event.before, event.after["state"]) == (
        f"application.{after.value}",
        organiser,
        {"state": before.value},
        after.value,
    )
    emails = list(SentEmail.objects.filter(application=application))
    if after == S.INADMISSIBLE or after in (S.RETAINED, S.WAITING_LIST, S.NOT_RETAINED):
        assert [e.delivery_status for e in emails] == [EmailStatus.SENT]
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [application.created_by.email]
    else:
        assert emails == []
        assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "before"), REFUSED)
def test_backoffice_transition_refused(action, before, organiser):
    application = in_phase(ApplicationFactory(state=before), action)
    with pytest.raises(ApplicationStateError):
        run(action, application, organiser)
    application.refresh_from_db()
    assert application.state == before
    assert not AuditEvent.objects.for_object(application).exists()
    assert not SentEmail.objects.exists()


@pytest.mark.django_db
def test_decide_application_without_feedback_refused(organiser):
    application = in_phase(ApplicationFactory(state=S.UNDER_REVIEW), S.RETAINED)
    with pytest.raises(ApplicationStateError) as error:
        decide_application(application, S.RETAINED, feedback=" ", actor=organiser)
    assert error.value.code == "feedback_required"
    application.refresh_from_db()
    assert application.state == S.UNDER_REVIEW


@pytest.mark.django_db
def test_decide_application_with_non_decision_refused(organiser):
    application = in_phase(ApplicationFactory(state=S.UNDER_REVIEW), S.RETAINED)
    with pytest.raises(ApplicationStateError) as error:
        decide_application(application, S.ADMISSIBLE, feedback="x", actor=organiser)
    assert error.value.code == "not_a_decision"


@pytest.mark.django_db
def test_mark_inadmissible_without_reason_refused(organiser):
    application = ApplicationFactory(state=S.SUBMITTED)
    with pytest.raises(ApplicationStateError):
        mark_inadmissible(application, reason="", actor=organiser)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert not SentEmail.objects.exists()
