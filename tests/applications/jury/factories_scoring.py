"""Builders for the scoring tests: a call in review with its grid, declared
jurors, admissible applications deposited before the deadline, assignments."""

import datetime

from django.utils import timezone

from applications.enums import ApplicationState, CallPhase
from applications.jury.enums import ConflictSource, ConflictStatus
from applications.jury.models import (
    Assignment,
    Conflict,
    Criterion,
    Grid,
    JuryMembership,
)
from tests.applications.factories import (
    CallFactory,
    SubmissionFactory,
    UserFactory,
    make_complete_application,
)

# Three criteria: weights 20, 10, 30; scales 5, 5 and 10.
CRITERIA = [
    {
        "key": "usefulness",
        "label_fr": "Utilité pour les habitants",
        "label_en": "Usefulness to residents",
        "weight": 20,
        "scale_max": 5,
        "levels": [
            {"value": 0, "label_fr": "Absente", "label_en": "Missing"},
            {"value": 5, "label_fr": "Remarquable", "label_en": "Outstanding"},
        ],
    },
    {
        "key": "innovation",
        "label_fr": "Innovation",
        "label_en": "Innovation",
        "weight": 10,
        "scale_max": 5,
    },
    {
        "key": "data-use",
        "label_fr": "Usage des données",
        "label_en": "Use of the data",
        "weight": 30,
        "scale_max": 10,
    },
]


def review_call(**kwargs):
    """A call closed a week ago, in review, with the three criteria above."""
    now = timezone.now()
    fields = {
        "opens_at": now - datetime.timedelta(days=60),
        "closes_at": now - datetime.timedelta(days=7),
        "phase": CallPhase.REVIEW,
        **kwargs,
    }
    call = CallFactory(**fields)
    grid = Grid.objects.create(call=call, version=1)
    for position, item in enumerate(CRITERIA):
        Criterion.objects.create(grid=grid, position=position, **item)
    return call


def declared_juror(call, email="juror@example.org", **kwargs):
    user = UserFactory(email=email, full_name=kwargs.pop("full_name", "Jeanne Juré"))
    membership = JuryMembership.objects.create(
        call=call,
        user=user,
        organisation=kwargs.pop("organisation", "Paris&Co"),
        declared_at=timezone.now(),
        **kwargs,
    )
    return membership


def deposited_application(call, **kwargs):
    """An admissible application with its submission made before the deadline."""
    application = make_complete_application(
        call=call, state=ApplicationState.ADMISSIBLE, **kwargs
    )
    SubmissionFactory(
        application=application,
        number=1,
        submitted_at=call.closes_at - datetime.timedelta(days=1),
    )
    return application


def assign(membership, application):
    return Assignment.objects.create(membership=membership, application=application)


def conflict(membership, application, status=ConflictStatus.CONFIRMED):
    return Conflict.objects.create(
        membership=membership,
        application=application,
        source=ConflictSource.DECLARED,
        status=status,
    )
