import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from portal.accounts.models import OrganiserRole, User

PORTAL_APPS = {
    "accounts",
    "audit",
    "outbox",
    "datasets",
    "access",
    "applications",
    "jury",
    "workshops",
}


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


@pytest.mark.django_db
def test_seed_demo_accounts_sign_in_with_the_demo_password(client, settings):
    settings.DEBUG = True
    settings.PORTAL_REQUIRE_MFA = False

    call_command("seed_demo", days=1, stdout=io.StringIO())

    users = User.objects.order_by("email")
    assert users.count() == 22
    assert all(user.check_password("batignolles-demo") for user in users)
    assert not any(user.check_password("another-password") for user in users)
    response = client.post(
        reverse("account_login"),
        {"login": "porteur03@demo.openbatignolles.fr", "password": "batignolles-demo"},
    )
    assert response.status_code == 302


def test_seed_demo_shows_each_step_and_the_readings_progress(settings, db):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("seed_demo", days=2, stdout=out)

    lines = out.getvalue().splitlines()
    steps = [line.split(" ...")[0] for line in lines if line.startswith("[")]
    assert steps == [
        "[1/5]   0 % Demo accounts...",
        "[2/5]  20 % Catalogue, sensors and simulated readings...",
        "[3/5]  40 % Calls, applications and jury seats...",
        "[4/5]  60 % The juries: declarations, conflicts, assignments, scores, "
        "decisions...",
        "[5/5]  80 % Data access grant and API key usage...",
    ]
    progress = [line.split(" (")[0] for line in lines if "Readings:" in line]
    assert progress == [
        f"      Readings: {percent:3d} %" for percent in range(10, 101, 10)
    ]
    assert lines[-5].startswith("Demo data ready in ")
