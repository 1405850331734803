import datetime
import io

import pytest
from django.utils import timezone

from applications.enums import ApplicationState
from datasets.access.demo import DEMO_GRANT_PROJECT, seed_data_access
from datasets.access.models import DataGrant
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    TeamMemberFactory,
)
from tests.conftest import make_user
from tests.datasets.conftest import make_project
from tests.datasets.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def test_seed_data_access_grants_the_retained_lead_once(organiser):
    datasets = [
        DatasetFactory(slug=slug)
        for slug in ("pedestrian-flows", "sound-levels", "vehicle-counts")
    ]
    lead = make_user("riverains@example.org")
    member = make_user("acoustique@example.org")
    project = make_project(
        lead, DEMO_GRANT_PROJECT, call=CallFactory(slug="ami-1", datasets=datasets)
    )
    TeamMemberFactory(application=project.application, user=member)
    accounts = {"organisers": [organiser]}
    out = io.StringIO()

    seed_data_access(accounts=accounts, days=1, stdout=out)
    seed_data_access(accounts=accounts, days=1, stdout=out)

    grant = DataGrant.objects.get()
    assert (grant.project, grant.holder, grant.granted_by) == (
        project,
        lead,
        organiser,
    )
    assert sorted(grant.datasets.values_list("slug", flat=True)) == [
        "pedestrian-flows",
        "sound-levels",
    ]
    remaining = grant.expires_at - timezone.now()
    assert datetime.timedelta(days=364) < remaining <= datetime.timedelta(days=365)
    [key] = grant.keys.all()
    assert key.name == "Prototype (carte du bruit)"
    assert key.usage.count() == 21
    assert key.usage.filter(requests__lt=700).count() == 0
    assert out.getvalue().count("riverains@example.org holds 15-minute data") == 1
    # The whole team hears of it, once each.
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "acoustique@example.org",
        "riverains@example.org",
    ]


def test_seed_data_access_without_the_project_does_nothing(organiser):
    # Retained applications have their Project; an application not retained
    # has none, and gets nothing.
    ApplicationFactory(
        call=CallFactory(slug="ami-1"),
        state=ApplicationState.WAITING_LIST,
        title=DEMO_GRANT_PROJECT,
    )

    seed_data_access(accounts={"organisers": [organiser]}, days=1, stdout=io.StringIO())

    assert DataGrant.objects.count() == 0
