"""Factories of the assignment tests: jurors (declared or not), conflicts,
assignments. Defaults are plain: a juror has declared, a conflict is
confirmed, an assignment is automatic."""

import factory
from django.utils import timezone

from applications.enums import ApplicationState, CallPhase
from applications.jury.enums import AssignmentOrigin, ConflictSource, ConflictStatus
from applications.jury.models import Assignment, Conflict, JuryMembership
from tests.applications.factories import ApplicationFactory, CallFactory, UserFactory


class ReviewCallFactory(CallFactory):
    """A call closed ten days ago, in its admissibility phase, k = 3."""

    opens_at = factory.LazyFunction(
        lambda: timezone.now() - timezone.timedelta(days=40)
    )
    closes_at = factory.LazyFunction(
        lambda: timezone.now() - timezone.timedelta(days=10)
    )
    phase = CallPhase.ADMISSIBILITY
    reviewers_per_application = 3


class AdmissibleApplicationFactory(ApplicationFactory):
    state = ApplicationState.ADMISSIBLE


class JurorFactory(factory.django.DjangoModelFactory):
    """A seat on a call's jury, interests already declared."""

    class Meta:
        model = JuryMembership

    call = factory.SubFactory(ReviewCallFactory)
    user = factory.SubFactory(UserFactory)
    organisation = "Mairie du 17e"
    declared_at = factory.LazyFunction(timezone.now)


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    membership = factory.SubFactory(JurorFactory)
    application = factory.SubFactory(
        AdmissibleApplicationFactory,
        call=factory.SelfAttribute("..membership.call"),
    )
    source = ConflictSource.DECLARED
    status = ConflictStatus.CONFIRMED
    detail = "Ancien employeur"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    membership = factory.SubFactory(JurorFactory)
    application = factory.SubFactory(
        AdmissibleApplicationFactory,
        call=factory.SelfAttribute("..membership.call"),
    )
    origin = AssignmentOrigin.AUTOMATIC


def make_sheet(assignment, *, submitted=False):
    """A score sheet on ``assignment`` (draft unless ``submitted``)."""
    from applications.jury.models import Grid, ScoreSheet

    grid, _ = Grid.objects.get_or_create(call=assignment.application.call, version=1)
    return ScoreSheet.objects.create(
        assignment=assignment,
        grid=grid,
        submitted_at=timezone.now() if submitted else None,
    )


def make_jury(call, names, *, declared=True):
    """Seats for people named ``names`` on the jury of ``call``, by name."""
    return [
        JurorFactory(
            call=call,
            user=UserFactory(full_name=name, email=f"{name.lower()}@jury.example"),
            declared_at=timezone.now() if declared else None,
        )
        for name in names
    ]


def make_applications(call, count, *, start=1, **extra):
    return [
        AdmissibleApplicationFactory(
            call=call,
            reference=f"AMI-2-{start + i:03d}",
            title=f"Projet {start + i}",
            **extra,
        )
        for i in range(count)
    ]
