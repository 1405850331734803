"""The programme dashboard in a browser: an organiser reads every figure as a
chart with its table (no serious accessibility violation, no horizontal
scroll on a phone), builds the annual report and downloads it."""

import pytest

from tests.portal.dashboard.factories import make_programme

PASSWORD = "correct-horse-battery"
FIGURES = 9


@pytest.fixture
def programme(organiser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_programme(organiser)


def test_organiser_reads_the_dashboard_and_downloads_the_report(portal, programme):
    page = portal.page
    page.goto(
        portal.url("/comptes/login/?next=/gestion/tableau-de-bord/%3Fyear%3D2025")
    )
    page.locator("#id_login").fill("claire@example.org")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Connexion").click()

    assert page.locator("h1").inner_text() == "Tableau de bord du programme"
    drawn = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart]'))
            .filter(c => window.Chart && window.Chart.getChart(c)).length"""
    )
    assert drawn == FIGURES
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    assert portal.axe_violations() == []
    portal.screenshot("dashboard")

    page.locator("#id_report-year").select_option("2025")
    with page.expect_navigation():
        page.get_by_role("button", name="Constituer le rapport").click()
    link = page.get_by_role("link", name="Télécharger le rapport 2025 (PDF)")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "openbatignolles-rapport-2025.pdf"
    assert portal.axe_violations() == []
