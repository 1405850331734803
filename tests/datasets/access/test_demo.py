import datetime
import io

import pytest
from django.utils import timezone

from applications.enums import ApplicationState
from datasets.demo import DEMO_GRANT_PROJECT, seed_data_access
from datasets.models import DataGrant
from tests.applications.factories import ApplicationFactory, CallFactory
from tests.conftest import make_user
from tests.datasets.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def test_seed_data_access_grants_the_retained_lead_once(organiser):
    datasets = [
        DatasetFactory(slug=slug)
        for slug in ("pedestrian-flows", "sound-levels", "vehicle-counts")
    ]
    lead = make_user("riverains@example.org")
    ApplicationFactory(
        call=CallFactory(slug="ami-1", datasets=datasets),
        state=ApplicationState.RETAINED,
        title=DEMO_GRANT_PROJECT,
        created_by=lead,
    )
    accounts = {"organisers": [organiser]}
    out = io.StringIO()

    seed_data_access(accounts=accounts, days=1, stdout=out)
    seed_data_access(accounts=accounts, days=1, stdout=out)

    grant = DataGrant.objects.get()
    assert (grant.holder, grant.project, grant.granted_by) == (
        lead,
        DEMO_GRANT_PROJECT,
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


def test_seed_data_access_without_the_application_does_nothing(organiser):
    seed_data_access(accounts={"organisers": [organiser]}, days=1, stdout=io.StringIO())

    assert DataGrant.objects.count() == 0
