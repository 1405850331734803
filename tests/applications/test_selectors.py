"""Back-office reads: the call overview and the admissibility pre-checks."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.enums import ApplicantType, ApplicationState, Theme
from applications.selectors import (
    admissibility_checks,
    application_for_backoffice,
    call_overview,
)
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    RequestedDatasetFactory,
    SubmissionFactory,
    make_complete_application,
)

S = ApplicationState
PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def call(db):
    return CallFactory(
        opens_at=paris(2025, 7, 21, 10),
        closes_at=paris(2025, 7, 25, 23, 59),
    )


def submitted_on(call, moment, **kwargs):
    kwargs.setdefault("state", S.SUBMITTED)
    application = make_complete_application(call=call, **kwargs)
    SubmissionFactory(application=application, number=1, submitted_at=moment)
    return application


@pytest.mark.django_db
def test_call_overview_counts_and_cumulative_timeline(call):
    # 23:30 in Paris on the 22nd is still the 22nd (21:30 UTC).
    submitted_on(call, paris(2025, 7, 22, 23, 30), themes=[Theme.PARKING])
    late = submitted_on(
        call,
        paris(2025, 7, 24, 9),
        themes=[Theme.PARKING, Theme.MOBILITY],
        applicant_type=ApplicantType.ASSOCIATION,
        state=S.ADMISSIBLE,
    )
    # A re-submission does not count twice: the first one dates the arrival.
    SubmissionFactory(application=late, number=2, submitted_at=paris(2025, 7, 25, 9))
    ApplicationFactory(call=call, themes=[Theme.ENERGY])
    withdrawn = submitted_on(call, paris(2025, 7, 23, 9), state=S.WITHDRAWN)
    assert withdrawn.state == S.WITHDRAWN

    overview = call_overview(call, now=paris(2025, 10, 1, 12))

    assert [(day.day, n, total) for day, n, total in overview["timeline"]] == [
        (21, 0, 0),
        (22, 1, 1),
        (23, 0, 1),
        (24, 1, 2),
        (25, 0, 2),
    ]
    assert (overview["total"], overview["submitted_count"]) == (4, 2)
    assert (overview["draft_count"], overview["pending_count"]) == (1, 1)
    themes = {str(label): n for label, n in overview["by_theme"]}
    assert themes[str(Theme.PARKING.label)] == 2
    assert themes[str(Theme.MOBILITY.label)] == 1
    assert themes[str(Theme.ENERGY.label)] == 0
    types = {str(label): n for label, n in overview["by_type"]}
    assert types[str(ApplicantType.STARTUP.label)] == 1
    assert types[str(ApplicantType.ASSOCIATION.label)] == 1
    datasets = dict(overview["by_dataset"])
    assert sum(datasets.values()) == 2
    assert [d.state for d in overview["drafts"]] == [S.DRAFT]
    assert overview["is_open"] is False


@pytest.mark.django_db
def test_call_overview_open_call_timeline_stops_today(db):
    call = CallFactory()
    overview = call_overview(call)
    assert overview["is_open"] is True
    assert len(overview["timeline"]) == 11
    assert 19 <= overview["days_left"] <= 20


def overview_queries(call):
    with CaptureQueriesContext(connection) as context:
        call_overview(call, now=paris(2025, 10, 1, 12))
    return len(context.captured_queries)


@pytest.mark.django_db
def test_call_overview_queries_constant(call):
    for day in range(3):
        submitted_on(call, paris(2025, 7, 22 + day, 10))
    few = overview_queries(call)
    for day in range(20):
        submitted_on(call, paris(2025, 7, 22 + day % 3, 11))
    assert overview_queries(call) == few


@pytest.mark.django_db
def test_admissibility_checks_complete_application_passes(call):
    application = submitted_on(call, paris(2025, 7, 22, 10))
    application = application_for_backoffice(call, application.reference)
    checks = {c["key"]: c["passed"] for c in admissibility_checks(application)}
    assert checks["eligible_type"] is True
    assert checks["uses_dataset"] is True
    assert checks["perimeter"] is None
    assert checks["charter"] is True


@pytest.mark.django_db
def test_admissibility_checks_flag_type_dataset_charter_and_gaps(db):
    call = CallFactory(eligible_types=[ApplicantType.ASSOCIATION])
    application = ApplicationFactory(
        call=call, applicant_type=ApplicantType.COMPANY, accepts_charter=False
    )
    checks = {c["key"]: c for c in admissibility_checks(application)}
    assert checks["eligible_type"]["passed"] is False
    assert checks["uses_dataset"]["passed"] is False
    assert checks["charter"]["passed"] is False
    assert checks["complete"]["passed"] is False
    assert checks["complete"]["detail"]


@pytest.mark.django_db
def test_admissibility_checks_dataset_not_offered_by_the_call_fails(db):
    call = CallFactory()
    other_dataset_call = CallFactory(datasets=None)
    application = make_complete_application(call=call)
    application.requested_datasets.all().delete()
    foreign = other_dataset_call.datasets.first()
    call.datasets.remove(foreign)
    RequestedDatasetFactory(application=application, dataset=foreign)
    checks = {c["key"]: c["passed"] for c in admissibility_checks(application)}
    assert checks["uses_dataset"] is False
