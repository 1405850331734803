"""The progress of a jury: per juror and per application."""

import datetime

from applications.enums import ApplicationState, CallPhase
from applications.jury.selectors.ranking import progress_for_call
from applications.jury.services.deliberation import send_reminder

from .factories_deliberation import (
    SUBMITTED_AT,
    assign,
    make_application,
    make_call,
    make_grid,
    make_juror,
    make_sheet,
)


def test_progress_counts_per_juror_and_application(db, organiser):
    call = make_call(phase=CallPhase.REVIEW)
    grid = make_grid(call)
    first = make_application(call, reference="AMI-001", title="Bancs")
    second = make_application(call, reference="AMI-002", title="Bruit")
    make_application(call, state=ApplicationState.DRAFT, reference="AMI-003")
    alice = make_juror(call, "Alice Lenoir", organisation="Paris&Co")
    bruno = make_juror(call, "Bruno Sevère", declared=False)
    make_juror(call, "Chloé Libre")
    make_sheet(alice, first, grid, [12])
    make_sheet(alice, second, grid, [8], submitted=False)
    assign(bruno, first)
    assign(bruno, second)
    send_reminder(bruno, actor=organiser, today=datetime.date(2026, 3, 2))

    progress = progress_for_call(call)

    assert [
        (
            j.name,
            j.organisation,
            j.declared,
            j.assigned,
            j.not_started,
            j.drafts,
            j.submitted,
            j.is_late,
            j.last_activity,
        )
        for j in progress.jurors
    ] == [
        ("Alice Lenoir", "Paris&Co", True, 2, 0, 1, 1, True, SUBMITTED_AT),
        ("Bruno Sevère", "", False, 2, 2, 0, 0, True, None),
        ("Chloé Libre", "", True, 0, 0, 0, 0, False, None),
    ]
    assert [j.last_reminder is not None for j in progress.jurors] == [
        False,
        True,
        False,
    ]
    assert [
        (a.reference, a.title, a.submitted, a.assigned) for a in progress.applications
    ] == [("AMI-001", "Bancs", 1, 2), ("AMI-002", "Bruit", 0, 2)]
    assert (progress.submitted, progress.assigned) == (1, 4)
    assert [j.name for j in progress.late_jurors] == ["Alice Lenoir", "Bruno Sevère"]
