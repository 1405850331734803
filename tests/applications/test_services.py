import pytest

from applications.enums import APPLICATION_TRANSITIONS, ApplicationState
from applications.services import ApplicationStateError, change_state
from portal.audit.models import AuditEvent
from tests.applications.factories import ApplicationFactory

ALLOWED = [
    (before, after)
    for before, targets in APPLICATION_TRANSITIONS.items()
    for after in targets
]
REFUSED = [
    (before, after)
    for before, targets in APPLICATION_TRANSITIONS.items()
    for after in ApplicationState
    if after not in targets
]


@pytest.mark.parametrize(("before", "after"), ALLOWED)
def test_change_state_allowed_transition_saves_and_audits(db, before, after):
    application = ApplicationFactory(state=before)
    actor = application.created_by

    change_state(application, after, actor=actor, reason="Hors périmètre")

    application.refresh_from_db()
    assert application.state == after
    event = AuditEvent.objects.for_object(application).get()
    assert event.verb == f"application.{after.value}"
    assert event.actor == actor
    assert event.before == {"state": before.value}
    assert event.after["state"] == after.value


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_change_state_refused_transition_raises_and_changes_nothing(
    db, before, after
):
    application = ApplicationFactory(state=before)

    with pytest.raises(ApplicationStateError):
        change_state(application, after, actor=application.created_by, reason="x")

    application.refresh_from_db()
    assert application.state == before
    assert not AuditEvent.objects.for_object(application).exists()


def test_change_state_inadmissible_without_reason_is_refused(db):
    application = ApplicationFactory(state=ApplicationState.SUBMITTED)

    with pytest.raises(ApplicationStateError):
        change_state(
            application, ApplicationState.INADMISSIBLE, actor=None, reason="  "
        )

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_change_state_inadmissible_keeps_the_reason(db):
    application = ApplicationFactory(state=ApplicationState.SUBMITTED)

    change_state(
        application,
        ApplicationState.INADMISSIBLE,
        actor=None,
        reason="Hors du périmètre des Batignolles",
    )

    application.refresh_from_db()
    assert application.inadmissibility_reason == "Hors du périmètre des Batignolles"
