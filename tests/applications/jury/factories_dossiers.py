"""Helpers for the dossier tests: a grid, jurors and submitted score sheets."""

import datetime

from django.utils import timezone

from applications.enums import ApplicationState
from applications.jury.models import (
    Assignment,
    Criterion,
    Grid,
    JuryMembership,
    Score,
    ScoreSheet,
)
from tests.applications.factories import (
    ApplicationFactory,
    SubmissionFactory,
    UserFactory,
)

# (key, French label, English label, weight)
CRITERIA = [
    ("usefulness", "Utilité pour les habitants", "Usefulness to residents", 50),
    ("innovation", "Innovation", "Innovation", 30),
    ("feasibility", "Faisabilité", "Feasibility", 20),
]


def make_grid(call):
    grid = Grid.objects.create(call=call, version=1)
    for position, (key, label_fr, label_en, weight) in enumerate(CRITERIA):
        Criterion.objects.create(
            grid=grid,
            key=key,
            label_fr=label_fr,
            label_en=label_en,
            weight=weight,
            scale_max=5,
            position=position,
        )
    return grid


def make_juror(call, *, email, full_name, organisation=""):
    user = UserFactory(email=email, full_name=full_name)
    return JuryMembership.objects.create(
        call=call,
        user=user,
        organisation=organisation,
        declared_at=timezone.now(),
    )


def make_deposited_application(call, *, reference, title, **fields):
    application = ApplicationFactory(
        call=call,
        reference=reference,
        title=title,
        state=fields.pop("state", ApplicationState.UNDER_REVIEW),
        **fields,
    )
    SubmissionFactory(application=application, number=1)
    return application


def make_sheet(membership, application, grid, values, *, overall="", submitted=True):
    """``values``: one per criterion of ``grid`` in order, each an int, "na"
    (not applicable) or a ``(value, comment)`` pair."""
    assignment = Assignment.objects.create(
        membership=membership, application=application
    )
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        grid=grid,
        overall_comment=overall,
        submitted_at=(
            timezone.now() - datetime.timedelta(hours=1) if submitted else None
        ),
    )
    for criterion, entry in zip(grid.criteria.all(), values, strict=True):
        comment = ""
        if isinstance(entry, tuple):
            entry, comment = entry
        Score.objects.create(
            sheet=sheet,
            criterion=criterion,
            value=None if entry == "na" else entry,
            not_applicable=entry == "na",
            comment=comment,
        )
    return sheet
