"""Helpers for the jury's membership tests: calls past their deadline, jurors,
grids and deposited applications with chosen organisations and teams."""

import datetime

from django.utils import timezone

from applications.enums import ApplicationState, CallPhase, TeamRole
from applications.jury.models import (
    Assignment,
    Criterion,
    Grid,
    JuryMembership,
    ScoreSheet,
)
from applications.models import TeamMember
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    SubmissionFactory,
    UserFactory,
)


def closed_call(*, phase=CallPhase.SUBMISSION, **kwargs):
    """A call whose deadline passed two days ago, in ``phase``."""
    now = timezone.now()
    kwargs.setdefault("opens_at", now - datetime.timedelta(days=40))
    kwargs.setdefault("closes_at", now - datetime.timedelta(days=2))
    return CallFactory(phase=phase, **kwargs)


def make_grid(call):
    grid = Grid.objects.create(call=call, version=1)
    Criterion.objects.create(
        grid=grid, key="impact", label_fr="Impact", label_en="Impact", weight=10
    )
    return grid


def make_juror(call, *, email, organisation="", declared=True, full_name=""):
    user = UserFactory(email=email, full_name=full_name or email.split("@")[0])
    return JuryMembership.objects.create(
        call=call,
        user=user,
        organisation=organisation,
        declared_at=timezone.now() if declared else None,
    )


def deposited(
    call,
    *,
    organisation_name="Batignolles Lab",
    state=ApplicationState.SUBMITTED,
    lead_email=None,
    **fields,
):
    """A submitted (or later) application with its frozen content."""
    creator = UserFactory(**({"email": lead_email} if lead_email else {}))
    application = ApplicationFactory(
        call=call,
        organisation_name=organisation_name,
        state=state,
        created_by=creator,
        **fields,
    )
    SubmissionFactory(application=application, number=1)
    return application


def add_team_member(application, user):
    return TeamMember.objects.create(
        application=application, user=user, role=TeamRole.MEMBER
    )


def start_sheet(membership, application, grid):
    assignment = Assignment.objects.create(
        membership=membership, application=application
    )
    return ScoreSheet.objects.create(assignment=assignment, grid=grid)
