import io

import pytest
from django.apps import apps
from django.core.management import call_command

from portal.accounts.models import OrganiserRole, User

PORTAL_APPS = {"accounts", "audit", "datasets", "applications", "workshops"}


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in PORTAL_APPS
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_twice_gives_the_same_counts(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("seed_demo", days=2, stdout=out)
    first = row_counts()
    call_command("seed_demo", days=2, stdout=io.StringIO())
    second = row_counts()

    assert first == second
    assert User.objects.count() == 1 + 6 + 12 + 3
    assert OrganiserRole.objects.count() == 1
    assert "batignolles-demo" in out.getvalue()
