"""Journey 4, a Project team: signs the data charter, creates an API key and
sees it once (the Back button and a reload never show it again nor offer to
resubmit), calls the API over real HTTP with it, revokes it, and the next call
is refused with JSON."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from datasets.access.models import ApiKey, CharterSignature
from tests.applications.factories import DataCharterFactory
from tests.browser.test_juror import PASSWORD
from tests.conftest import make_user
from tests.datasets.api.conftest import october_day, world  # noqa: F401
from tests.datasets.conftest import make_grant, make_project

ACCESS = "/donnees/mes-acces/"
QUERY = {
    "dataset": "pedestrian-flows",
    "metric": "pedestrians_in",
    "sensor": "PED-001",
    "start": "2025-10-07",
    "end": "2025-10-08",
    "interval": "15min",
}


def call_api(portal, token):
    """A GET of the readings over real HTTP: (status, JSON body)."""
    url = portal.url("/api/v1/readings/?" + urllib.parse.urlencode(QUERY))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.load(error)


@pytest.fixture
def team(transactional_db, october_day, organiser):  # noqa: F811
    DataCharterFactory()
    lead = make_user("sami@trottoirs.fr", full_name="Sami Benali", password=PASSWORD)
    project = make_project(lead, "Trottoirs vivants", signed=False)
    grant = make_grant(lead, [october_day["pedestrians"]], organiser, project=project)
    return {"lead": lead, "project": project, "grant": grant}


def log_in(portal, email):
    page = portal.page
    page.goto(portal.url("/comptes/login/"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Connexion").click()


def test_team_signs_the_charter_and_uses_then_revokes_a_key(portal, team):
    page = portal.page
    log_in(portal, "sami@trottoirs.fr")

    # No key before the charter: the page says so and links to it.
    portal.check_both(ACCESS, "access before the charter")
    page.goto(portal.url(ACCESS))
    page.locator("main a[href='/donnees/mes-acces/charte/']").click()
    page.wait_for_load_state()
    portal.check("charter")
    page.locator("#id_signer_name").fill("Sami Benali")
    page.locator("#id_agree").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert CharterSignature.objects.get().signer_name == "Sami Benali"
    portal.check_both("/donnees/mes-acces/charte/", "charter signed")

    # The key, created in English this time, is shown once after a redirect.
    page.goto(portal.url("/en" + ACCESS))
    page.locator(f"#id_grant{team['grant'].pk}_name").fill("serveur de prod")
    with page.expect_navigation():
        page.get_by_role("button", name="Create a key").click()
    key = ApiKey.objects.get()
    assert page.url == portal.url(f"/en/donnees/mes-acces/cles/{key.pk}/nouvelle/")
    token = page.locator("#api-token").inner_text()
    assert token.startswith(f"obk_{key.prefix}_")
    portal.check("key page")
    portal.screenshot("key")
    assert portal.overflow() == []

    # Back lands on the list (a GET: nothing to resubmit), and Forward or a
    # reload never shows the secret again.
    page.go_back()
    assert page.url == portal.url("/en" + ACCESS)
    page.go_forward()
    assert page.url == portal.url("/en" + ACCESS)
    assert page.locator("#api-token").count() == 0
    assert token not in page.content()
    assert page.get_by_text(
        f"The key obk_{key.prefix}_… was shown once and cannot be shown again."
    ).is_visible()
    assert ApiKey.objects.count() == 1

    # A real HTTP call with the key reads the 15-minute values.
    status, _headers, body = call_api(portal, token)
    assert status == 200
    assert len(body["results"]) == 96
    assert body["results"][0]["value"] == 1.0

    # Revoked from the list, the key is refused at once, in JSON.
    portal.check_both(ACCESS, "access with a key")
    revoke = f"/donnees/mes-acces/cles/{key.pk}/revoquer/"
    assert portal.check_both(revoke, "revoke") == 200
    page.goto(portal.url(ACCESS))
    page.locator("main a[href$='/revoquer/']").click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    key.refresh_from_db()
    assert key.revoked_at is not None
    portal.check_both(ACCESS, "access after revoking")

    status, headers, body = call_api(portal, token)
    assert status == 401
    assert headers["Content-Type"].startswith("application/json")
    assert body["code"] == "key_revoked"
    assert portal.axe == {}
