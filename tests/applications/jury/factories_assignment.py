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
