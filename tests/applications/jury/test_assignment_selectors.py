import pytest

from applications.enums import ApplicationState
from applications.jury.enums import ConflictSource, ConflictStatus
from applications.jury.selectors.assignment import assignments_for_juror

from .factories_assignment import (
    AdmissibleApplicationFactory,
    AssignmentFactory,
    ConflictFactory,
    JurorFactory,
    ReviewCallFactory,
)

pytestmark = pytest.mark.django_db


def _references(assignments):
    return [a.application.reference for a in assignments]


def test_assignments_for_juror_lists_own_assignments_by_reference():
    call = ReviewCallFactory()
    juror = JurorFactory(call=call)
    other = JurorFactory(call=call)
    second = AdmissibleApplicationFactory(call=call, reference="AMI-2-002")
    first = AdmissibleApplicationFactory(call=call, reference="AMI-2-001")
    AssignmentFactory(membership=juror, application=second)
    AssignmentFactory(membership=juror, application=first)
    AssignmentFactory(
        membership=other,
        application=AdmissibleApplicationFactory(call=call, reference="AMI-2-003"),
    )

    result = assignments_for_juror(juror.user, call=call)

    assert _references(result) == ["AMI-2-001", "AMI-2-002"]


def test_assignments_for_juror_hides_conflicted_applications():
    call = ReviewCallFactory()
    juror = JurorFactory(call=call)
    kept = AdmissibleApplicationFactory(call=call, reference="AMI-2-001")
    pending = AdmissibleApplicationFactory(call=call, reference="AMI-2-002")
    confirmed = AdmissibleApplicationFactory(call=call, reference="AMI-2-003")
    dismissed = AdmissibleApplicationFactory(call=call, reference="AMI-2-004")
    for application in (kept, pending, confirmed, dismissed):
        AssignmentFactory(membership=juror, application=application)
    ConflictFactory(
        membership=juror,
        application=pending,
        source=ConflictSource.SAME_EMAIL_DOMAIN,
        status=ConflictStatus.PENDING,
    )
    ConflictFactory(membership=juror, application=confirmed)
    ConflictFactory(
        membership=juror,
        application=dismissed,
        source=ConflictSource.SAME_ORGANISATION,
        status=ConflictStatus.DISMISSED,
    )

    result = assignments_for_juror(juror.user, call=call)

    assert _references(result) == ["AMI-2-001", "AMI-2-004"]


def test_assignments_for_juror_empty_before_declaration():
    call = ReviewCallFactory()
    juror = JurorFactory(call=call, declared_at=None)
    AssignmentFactory(membership=juror)

    assert list(assignments_for_juror(juror.user, call=call)) == []


def test_assignments_for_juror_hides_inadmissible_and_withdrawn():
    call = ReviewCallFactory()
    juror = JurorFactory(call=call)
    for reference, state in [
        ("AMI-2-001", ApplicationState.UNDER_REVIEW),
        ("AMI-2-002", ApplicationState.INADMISSIBLE),
        ("AMI-2-003", ApplicationState.WITHDRAWN),
        ("AMI-2-004", ApplicationState.SUBMITTED),
    ]:
        AssignmentFactory(
            membership=juror,
            application=AdmissibleApplicationFactory(
                call=call, reference=reference, state=state
            ),
        )

    assert _references(assignments_for_juror(juror.user, call=call)) == ["AMI-2-001"]


def test_assignments_for_juror_scoped_to_the_call():
    juror = JurorFactory()
    AssignmentFactory(membership=juror)
    other_call = ReviewCallFactory()
    JurorFactory(call=other_call, user=juror.user)

    assert list(assignments_for_juror(juror.user, call=other_call)) == []


def test_assignments_for_juror_anonymous_gets_nothing():
    from django.contrib.auth.models import AnonymousUser

    call = ReviewCallFactory()
    assert list(assignments_for_juror(AnonymousUser(), call=call)) == []
