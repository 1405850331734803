"""Truth table of the DemoDay jury's predicate."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.workshops.demoday_factories import make_demoday
from workshops.models import DemoDayJuror
from workshops.permissions_demoday import can_score_pitches, is_demoday_juror

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("juror", "order_published", "results_published", "expected"),
    [
        (True, True, False, True),
        (True, False, False, False),
        (True, True, True, False),
        (False, True, False, False),
        (False, False, False, False),
    ],
)
def test_can_score_pitches(
    organiser, user, juror, order_published, results_published, expected
):
    demoday, _sessions, _projects = make_demoday(organiser)
    if juror:
        DemoDayJuror.objects.create(demoday=demoday, user=user)
    if order_published:
        demoday.order_published_at = timezone.now()
    if results_published:
        demoday.results_published_at = timezone.now()
    assert can_score_pitches(user, demoday) is expected


def test_is_demoday_juror_anonymous_and_organiser(organiser):
    demoday, _sessions, _projects = make_demoday(organiser)
    assert is_demoday_juror(AnonymousUser(), demoday) is False
    assert is_demoday_juror(organiser, demoday) is False
    assert is_demoday_juror(organiser, None) is False
