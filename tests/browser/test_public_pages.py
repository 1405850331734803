"""Public pages in a real browser, in French and English, on a desktop and a
phone: one title, one h1, the right language, nothing wider than the screen,
and no serious or critical axe-core violation."""

import pytest

from tests.applications.factories import CallFactory
from tests.conftest import make_user
from tests.datasets.conftest import make_project

PAGES = [
    ("/", "home"),
    ("/appels/", "calls"),
    ("/appels/ami-batignolles/", "call"),
    ("/donnees/", "datasets"),
    ("/donnees/pedestrian-flows/", "dataset"),
    ("/agenda/", "agenda"),
    ("/projets/", "projects"),
    ("/projets/trottoirs-vivants/", "project"),
    ("/comptes/login/", "login"),
    ("/comptes/signup/", "signup"),
    ("/accessibilite/", "accessibility"),
]


@pytest.fixture
def call(transactional_db):
    project = make_project(make_user("sami@trottoirs.fr"), "Trottoirs vivants")
    project.summary = "Des trottoirs plus sûrs aux heures d’école, rue Legendre."
    project.save(update_fields=["summary"])
    return CallFactory(
        slug="ami-batignolles",
        title_fr="Données des Batignolles : deuxième vague",
        title_en="Batignolles data: second wave",
    )


def page_facts(page):
    return page.evaluate(
        """() => ({
            lang: document.documentElement.lang,
            title: document.title,
            h1: document.querySelectorAll('h1').length,
            overflow: document.documentElement.scrollWidth - window.innerWidth,
        })"""
    )


@pytest.mark.parametrize("language,prefix", [("fr", ""), ("en", "/en")])
def test_public_pages_read_well_in_both_languages(portal, call, language, prefix):
    problems = {}
    for path, name in PAGES:
        response = portal.page.goto(portal.url(prefix + path))
        facts = page_facts(portal.page)
        violations = portal.axe_violations()
        if (
            response.status != 200
            or facts["lang"] != language
            or facts["h1"] != 1
            or "OpenBatignolles" not in facts["title"]
            or facts["overflow"] > 0
            or violations
        ):
            problems[path] = {"status": response.status, **facts, "axe": violations}
        if language == "fr":
            portal.screenshot(name)

    assert problems == {}


def test_language_switch_works_both_ways(portal, call):
    page = portal.page
    page.goto(portal.url("/appels/ami-batignolles/"))
    assert page.evaluate("document.documentElement.lang") == "fr"

    page.locator("a[hreflang=en]").first.click()
    page.wait_for_load_state()
    assert page.url == portal.url("/en/appels/ami-batignolles/")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == "Batignolles data: second wave"

    page.locator("a[hreflang=fr]").first.click()
    page.wait_for_load_state()
    assert page.url == portal.url("/appels/ami-batignolles/")
    assert page.locator("h1").inner_text() == (
        "Données des Batignolles : deuxième vague"
    )
