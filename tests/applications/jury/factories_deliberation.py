"""Rows for the deliberation tests: a grid, jurors, assignments and sheets.

Plain helpers over the models (the jury's own factories live in the other
areas' branches): each makes exactly what its name says, nothing more.
"""

import datetime

from django.utils import timezone

from applications.enums import ApplicationState, CallPhase
from applications.jury.models import (
    Assignment,
    Criterion,
    Grid,
    JuryMembership,
    Score,
    ScoreSheet,
)
from tests.applications.factories import ApplicationFactory, CallFactory, UserFactory

SUBMITTED_AT = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)


def make_call(phase=CallPhase.REVIEW, **fields):
    """A call whose deadline passed, in ``phase``."""
    now = timezone.now()
    return CallFactory(
        phase=phase,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
        **fields,
    )


def make_grid(call, criteria=(("impact", 1, 20),)):
    """Grid version 1 of ``call`` with ``(key, weight, scale_max)`` criteria."""
    grid = Grid.objects.create(call=call, version=1)
    for position, (key, weight, scale_max) in enumerate(criteria):
        Criterion.objects.create(
            grid=grid,
            key=key,
            label_fr=key.capitalize(),
            weight=weight,
            scale_max=scale_max,
            position=position,
        )
    return grid


def make_application(call, state=ApplicationState.ADMISSIBLE, **fields):
    return ApplicationFactory(call=call, state=state, **fields)


def make_juror(call, name, *, organisation="", declared=True):
    user = UserFactory(
        full_name=name,
        email=name.lower().replace(" ", ".") + "@jury.example",
    )
    return JuryMembership.objects.create(
        call=call,
        user=user,
        organisation=organisation,
        declared_at=timezone.now() if declared else None,
    )


def assign(membership, application):
    return Assignment.objects.create(membership=membership, application=application)


def make_sheet(membership, application, grid, values, *, submitted=True):
    """Assign ``application`` to the juror and write their sheet.

    ``values`` holds one entry per criterion of ``grid`` (in position order):
    a score, or ``"na"`` for "not applicable".
    """
    assignment = assign(membership, application)
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        grid=grid,
        updated_at=SUBMITTED_AT,
        submitted_at=SUBMITTED_AT if submitted else None,
    )
    for criterion, value in zip(
        grid.criteria.order_by("position"), values, strict=True
    ):
        Score.objects.create(
            sheet=sheet,
            criterion=criterion,
            value=None if value == "na" else value,
            not_applicable=value == "na",
        )
    return sheet
