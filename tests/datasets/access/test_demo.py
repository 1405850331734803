import datetime
import io

import pytest
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Project
from datasets.access import keys
from datasets.access.demo import DEMO_GRANT_PROJECT, DEMO_KEY_NAME, seed_data_access
from datasets.access.models import ApiKey, CharterSignature, DataGrant
from tests.applications.factories import (
    ApplicationFactory,
    CallFactory,
    TeamMemberFactory,
)
from tests.conftest import make_user
from tests.datasets.conftest import make_project
from tests.datasets.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def test_seed_data_access_gives_the_closed_wave_coherent_access(
    organiser, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    datasets = [
        DatasetFactory(slug=slug)
        for slug in ("pedestrian-flows", "sound-levels", "vehicle-counts")
    ]
    call = CallFactory(slug="ami-1", datasets=datasets)
    lead = make_user("riverains@example.org")
    member = make_user("acoustique@example.org")
    project = make_project(lead, DEMO_GRANT_PROJECT, call=call)
    TeamMemberFactory(application=project.application, user=member)
    other_lead = make_user("commerces@example.org")
    other = make_project(other_lead, "Tableau des commerces", call=call)
    # Retained long before the demo's grants.
    Project.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    accounts = {"organisers": [organiser]}
    out = io.StringIO()

    seed_data_access(accounts=accounts, days=1, stdout=out)
    seed_data_access(accounts=accounts, days=1, stdout=out)

    grant = DataGrant.objects.get(project=project)
    assert (grant.holder, grant.granted_by) == (lead, organiser)
    assert sorted(grant.datasets.values_list("slug", flat=True)) == [
        "pedestrian-flows",
        "sound-levels",
    ]
    today = timezone.localdate()
    assert grant.created_at.date() == today - datetime.timedelta(days=56)
    # Every key: used only between its creation and its end (or revocation).
    keys_by_name = {}
    for key in ApiKey.objects.all():
        keys_by_name.setdefault(key.name, []).append(key)
        days = list(key.usage.values_list("day", flat=True))
        if days:
            assert min(days) >= timezone.localdate(key.created_at)
            stop = key.revoked_at or key.expires_at
            assert max(days) <= timezone.localdate(stop)
            assert max(days) < today
    old, new = sorted(keys_by_name["Prototype (carte du bruit)"], key=lambda k: k.pk)
    assert old.replaced_by == new and old.expires_at < timezone.now()
    assert new.usage.count() >= 7
    [revoked] = keys_by_name["Portable de test"]
    assert revoked.revoked_at is not None
    # The demo key: created today, unused, kept in var/ and printed once per run.
    [demo] = keys_by_name[DEMO_KEY_NAME]
    token = (tmp_path / "demo-api-key").read_text().strip()
    assert demo.digest == keys.digest_of(token)
    assert demo.usage.count() == 0
    assert out.getvalue().count(token) == 4  # key and curl line, twice
    # The other Project (the last one) has a grant but must sign first.
    other_grant = DataGrant.objects.get(project=other)
    assert other_grant.keys.count() == 0
    assert CharterSignature.objects.filter(project=other).count() == 0
    assert DataGrant.objects.count() == 2


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
