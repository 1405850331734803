"""Pending decisions and their release: phases, states, Projects, emails once."""

import pytest

from applications.enums import ApplicationState, CallPhase, TeamRole
from applications.jury.models import Decision
from applications.jury.services import deliberation
from applications.jury.services.deliberation import (
    DeliberationError,
    record_decision,
    release_decisions,
)
from applications.models import Project, TeamMember
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import UserFactory

from .factories_deliberation import make_application, make_call

S = ApplicationState


def _team_application(call, reference, title):
    lead = UserFactory(
        email=f"lead-{reference.lower()}@equipe.example",
        full_name=f"Lead {reference}",
        language="en",
    )
    application = make_application(
        call, reference=reference, title=title, created_by=lead
    )
    member = UserFactory(
        email=f"member-{reference.lower()}@equipe.example",
        full_name=f"Member {reference}",
        language="en",
    )
    TeamMember.objects.create(
        application=application, user=member, role=TeamRole.MEMBER
    )
    return application


@pytest.fixture
def call(db):
    call = make_call(phase=CallPhase.DELIBERATION, title_en="AMI 2026")
    _team_application(call, "AMI-1", "Bancs connectés")
    _team_application(call, "AMI-2", "Bruit des terrasses")
    application = _team_application(call, "AMI-3", "Livraisons apaisées")
    application.state = S.UNDER_REVIEW
    application.save(update_fields=["state"])
    make_application(call, state=S.INADMISSIBLE, reference="AMI-9")
    return call


def _decide_all(call, actor):
    outcomes = {"AMI-1": S.RETAINED, "AMI-2": S.WAITING_LIST, "AMI-3": S.NOT_RETAINED}
    for application in call.applications.filter(reference__in=outcomes):
        record_decision(
            application,
            outcome=outcomes[application.reference],
            motivation="Débat du 12 mars",
            feedback=f"Retour pour {application.reference}.",
            actor=actor,
        )


def test_record_decision_refused_outside_deliberation(call, organiser):
    call.phase = CallPhase.REVIEW
    call.save(update_fields=["phase"])
    application = call.applications.get(reference="AMI-1")

    with pytest.raises(DeliberationError) as error:
        record_decision(
            application,
            outcome=S.RETAINED,
            motivation="",
            feedback="Bravo",
            actor=organiser,
        )

    assert error.value.code == "not_in_deliberation"
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "feedback", "code"),
    [
        ("retained", "  ", "feedback_required"),
        ("withdrawn", "Bravo", "not_a_decision"),
        ("admissible", "Bravo", "not_a_decision"),
    ],
)
def test_record_decision_checks_its_input(call, organiser, outcome, feedback, code):
    application = call.applications.get(reference="AMI-1")

    with pytest.raises(DeliberationError) as error:
        record_decision(
            application,
            outcome=outcome,
            motivation="",
            feedback=feedback,
            actor=organiser,
        )

    assert error.value.code == code


def test_record_decision_refused_for_an_inadmissible_application(call, organiser):
    application = call.applications.get(reference="AMI-9")

    with pytest.raises(DeliberationError) as error:
        record_decision(
            application,
            outcome=S.RETAINED,
            motivation="",
            feedback="Bravo",
            actor=organiser,
        )

    assert error.value.code == "not_awaiting_decision"


def test_record_decision_stays_pending_and_changes_audited(call, organiser):
    application = call.applications.get(reference="AMI-1")
    record_decision(
        application,
        outcome=S.WAITING_LIST,
        motivation="A",
        feedback="B",
        actor=organiser,
    )

    decision = record_decision(
        application, outcome=S.RETAINED, motivation="C", feedback=" D ", actor=organiser
    )

    decision.refresh_from_db()
    assert (decision.outcome, decision.motivation, decision.feedback) == (
        "retained",
        "C",
        "D",
    )
    assert decision.released_at is None
    application.refresh_from_db()
    assert application.state == S.ADMISSIBLE
    assert not OutgoingEmail.objects.exists()
    events = AuditEvent.objects.filter(verb="jury.decision_recorded").order_by("id")
    assert [(e.before, e.after) for e in events] == [
        (None, {"outcome": "waiting_list", "motivation": "A", "feedback": "B"}),
        (
            {"outcome": "waiting_list", "motivation": "A", "feedback": "B"},
            {"outcome": "retained", "motivation": "C", "feedback": "D"},
        ),
    ]
    assert events[1].actor == organiser


def test_release_refused_while_decisions_are_missing(call, organiser):
    record_decision(
        call.applications.get(reference="AMI-2"),
        outcome=S.RETAINED,
        motivation="",
        feedback="Bravo",
        actor=organiser,
    )

    with pytest.raises(DeliberationError) as error:
        release_decisions(call, actor=organiser)

    assert error.value.messages == ["Pas encore de décision pour\u00a0: AMI-1, AMI-3."]
    call.refresh_from_db()
    assert call.phase == CallPhase.DELIBERATION
    assert not OutgoingEmail.objects.exists()


def test_release_refused_outside_deliberation(call, organiser):
    _decide_all(call, organiser)
    call.phase = CallPhase.REVIEW
    call.save(update_fields=["phase"])

    with pytest.raises(DeliberationError) as error:
        release_decisions(call, actor=organiser)

    assert error.value.code == "not_in_deliberation"


def _emails():
    return sorted(
        OutgoingEmail.objects.values_list("idempotency_key", "to", "kind", "subject")
    )


def _expected_emails(call):
    ids = dict(call.applications.values_list("reference", "pk"))
    return sorted(
        [
            (
                f"decision:{ids[ref]}:{who}-{ref.lower()}@equipe.example",
                f"{who}-{ref.lower()}@equipe.example",
                "application_state",
                f"[OpenBatignolles] Decision on your application {ref}: {label}",
            )
            for ref, label in [
                ("AMI-1", "Retained"),
                ("AMI-2", "Waiting list"),
                ("AMI-3", "Not retained"),
            ]
            for who in ("lead", "member")
        ]
    )


def test_release_moves_states_creates_projects_and_emails_each_member(
    call, organiser, settings
):
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OpenBatignolles] "
    _decide_all(call, organiser)

    assert release_decisions(call, actor=organiser) == 3

    states = dict(call.applications.values_list("reference", "state"))
    assert states == {
        "AMI-1": S.RETAINED,
        "AMI-2": S.WAITING_LIST,
        "AMI-3": S.NOT_RETAINED,
        "AMI-9": S.INADMISSIBLE,
    }
    assert list(Project.objects.values_list("application__reference", flat=True)) == [
        "AMI-1"
    ]
    assert Decision.objects.filter(released_at__isnull=True).count() == 0
    call.refresh_from_db()
    assert call.phase == CallPhase.RELEASED
    assert _emails() == _expected_emails(call)
    body = OutgoingEmail.objects.get(to="member-ami-2@equipe.example").body
    assert "Hello Member AMI-2," in body
    assert (
        "After the jury's review of the applications to the call “AMI 2026”, the "
        "OpenBatignolles programme has taken its decision on your application "
        "“Bruit des terrasses”." in body
    )
    assert "Decision: Waiting list" in body
    assert "The jury's feedback:\nRetour pour AMI-2." in body
    assert "Débat du 12 mars" not in body  # the motivation stays internal
    release = AuditEvent.objects.get(verb="jury.decisions_released")
    assert (release.before, release.after, release.actor) == (
        {"phase": "deliberation"},
        {
            "phase": "released",
            "not_retained": 1,
            "retained": 1,
            "waiting_list": 1,
        },
        organiser,
    )
    # Each application went through the review to its decision.
    assert list(
        AuditEvent.objects.filter(verb__startswith="application.")
        .order_by("id")
        .values_list("verb", flat=True)
    ) == [
        "application.under_review",
        "application.retained",
        "application.under_review",
        "application.waiting_list",
        "application.not_retained",
    ]


def test_release_run_twice_emails_once(call, organiser):
    _decide_all(call, organiser)
    release_decisions(call, actor=organiser)
    first = _emails()

    assert release_decisions(call, actor=organiser) == 0

    assert _emails() == first
    assert len(first) == 6
    assert AuditEvent.objects.filter(verb="jury.decisions_released").count() == 1


def test_release_retried_after_a_failure_midway_emails_once(
    call, organiser, monkeypatch
):
    _decide_all(call, organiser)
    queue = deliberation._queue_decision_emails
    calls = []

    def failing_on_the_second(application, decision, *, actor):
        calls.append(application.reference)
        if len(calls) == 2:
            raise ConnectionError("the database went away")
        return queue(application, decision, actor=actor)

    monkeypatch.setattr(deliberation, "_queue_decision_emails", failing_on_the_second)
    with pytest.raises(ConnectionError):
        release_decisions(call, actor=organiser)

    # Nothing of the first application stayed: no email, state, Project, phase.
    assert not OutgoingEmail.objects.exists()
    states = dict(call.applications.values_list("reference", "state"))
    assert states["AMI-1"] == S.ADMISSIBLE
    assert not Project.objects.exists()
    call.refresh_from_db()
    assert call.phase == CallPhase.DELIBERATION

    monkeypatch.setattr(deliberation, "_queue_decision_emails", queue)
    assert release_decisions(call, actor=organiser) == 3
    assert release_decisions(call, actor=organiser) == 0

    assert _emails() == _expected_emails(call)
    assert Project.objects.count() == 1


def test_decision_refused_once_released(call, organiser):
    _decide_all(call, organiser)
    release_decisions(call, actor=organiser)

    with pytest.raises(DeliberationError):
        record_decision(
            call.applications.get(reference="AMI-1"),
            outcome=S.NOT_RETAINED,
            motivation="",
            feedback="Non",
            actor=organiser,
        )

    assert Decision.objects.get(application__reference="AMI-1").outcome == "retained"
