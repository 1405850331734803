"""The sensors' map in a real browser: drawn from the portal's GeoJSON with no
tile server, accessible (axe), markers large enough to tap on a phone, the
filter acting on the map and the list, a sensor's popup leading to its page."""

import pytest

from datasets.models import Dataset
from datasets.services import seed_catalogue
from tests.applications.factories import CallFactory
from tests.browser.conftest import SCREENSHOTS
from tests.workshops.public_factories import public_project

MARKERS = ".map-sensor, .map-cluster"


@pytest.fixture
def catalogue(transactional_db):
    seed_catalogue()


def _boxes(page, selector):
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .map(e => e.getBoundingClientRect())
            .filter(r => r.width > 0)
            .map(r => [Math.round(r.width), Math.round(r.height)])""",
        selector,
    )


def test_map_draws_streets_and_tappable_sensors(portal, catalogue):
    page = portal.page
    page.goto(portal.url("/donnees/plan/"))
    page.locator(MARKERS).first.wait_for()

    assert page.locator("[data-map]").is_visible()
    # Streets as SVG lines, their names as labels; no image tile anywhere.
    assert page.locator("path.map-street").count() == 26
    assert page.locator("img.leaflet-tile").count() == 0
    labels = page.locator(".map-street-label").all_inner_texts()
    assert "Rue des Batignolles" in labels and len(labels) == 26
    # Every marker, group and zoom button is at least 44 x 44 px.
    boxes = _boxes(page, MARKERS + ", .leaflet-control-zoom a")
    assert boxes and all(w >= 44 and h >= 44 for w, h in boxes)
    assert page.evaluate("document.querySelectorAll('h1').length") == 1
    assert (
        page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    )
    assert portal.axe_violations() == []
    portal.screenshot("map")
    if portal.viewport_name == "desktop":
        page.locator("[data-map]").screenshot(path=str(SCREENSHOTS / "map.png"))

    # A sensor's popup links to its page.
    page.locator(".map-sensor").first.click()
    link = page.locator(".leaflet-popup-content a")
    assert link.inner_text() == "Ouvrir la page du capteur"
    assert link.get_attribute("href").startswith("/donnees/capteurs/")
    assert portal.console_errors == []


def test_map_filter_hides_other_types_on_the_map_and_in_the_list(portal, catalogue):
    page = portal.page
    page.goto(portal.url("/donnees/plan/"))
    page.locator(MARKERS).first.wait_for()
    assert page.locator("[data-map-submit]").is_hidden()

    for label in [
        "Compteur de piétons",
        "Compteur de trafic",
        "Capteur d’occupation du stationnement",
        "Contrôleur d’éclairage public",
    ]:
        page.get_by_label(label).uncheck()

    assert page.locator("[data-map-count]").inner_text() == "25 capteurs affichés."
    assert page.locator("li[data-kind]:visible").count() == 25
    shown = page.evaluate(
        """() => Array.from(document.querySelectorAll('.map-cluster'))
            .reduce((n, c) => n + Number(c.firstChild.textContent), 0)
            + document.querySelectorAll('.map-sensor').length"""
    )
    assert shown == 25
    assert page.locator(".map-sensor:not(.map-sensor--sound_level_meter)").count() == 0
    assert portal.axe_violations() == []


def test_project_page_map_shows_the_streets_of_its_data(portal, catalogue):
    sound = Dataset.objects.get(slug="sound-levels")
    project = public_project(
        "Baromètre du bruit", call=CallFactory(datasets=[sound]), requested=[sound]
    )
    page = portal.page
    page.goto(portal.url(f"/projets/{project.slug}/"))
    page.locator(MARKERS).first.wait_for()

    # The 25 sound level meters' streets in dark grey, the 26th in light grey.
    assert page.locator("path.map-street--used").count() == 25
    assert page.locator("path.map-street").count() == 26
    assert page.locator("#project-streets li").count() == 25
    assert portal.axe_violations() == []
    portal.screenshot("project-map")
