import re

import pytest
from django.utils import translation

from portal.accounts.models import OrganiserRole
from tests.applications.factories import CallFactory
from tests.conftest import make_user
from tests.datasets.factories import DatasetFactory


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in French: a request to /en/ leaves English active."""
    translation.activate("fr")
    yield
    translation.activate("fr")


def switch_link(html, language):
    """The href of the header's link to ``language``."""
    nav = re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group(0)
    return re.search(rf'<a href="([^"]*)" hreflang="{language}"', nav).group(1)


def html_lang(html):
    return re.search(r'<html lang="([a-z-]+)">', html).group(1)


def h1(html):
    return re.sub(r"\s+", " ", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))


def round_trip(client, french_url):
    """Follow FR -> EN -> FR through the header links; return the three pages."""
    french = client.get(french_url)
    english_url = switch_link(french.content.decode(), "en")
    english = client.get(english_url)
    back_url = switch_link(english.content.decode(), "fr")
    back = client.get(back_url)
    return (french, english_url, english, back_url, back)


def assert_round_trip(client, url, *, english_url, french_h1, english_h1):
    french, to_english, english, to_french, back = round_trip(client, url)

    assert french.status_code == 200
    assert (html_lang(french.content.decode()), h1(french.content.decode())) == (
        "fr",
        french_h1,
    )
    assert to_english == english_url
    assert english.status_code == 200
    assert (html_lang(english.content.decode()), h1(english.content.decode())) == (
        "en",
        english_h1,
    )
    assert to_french == url
    assert back.status_code == 200
    assert (html_lang(back.content.decode()), h1(back.content.decode())) == (
        "fr",
        french_h1,
    )


@pytest.mark.django_db
def test_language_round_trip_on_home_page(client):
    french, to_english, english, to_french, back = round_trip(client, "/")

    assert to_english == "/en/"
    assert to_french == "/"
    assert html_lang(english.content.decode()) == "en"
    assert "The connected neighbourhood of Batignolles" in english.content.decode()
    assert html_lang(back.content.decode()) == "fr"
    assert "Le quartier connecté des Batignolles" in back.content.decode()


@pytest.mark.django_db
def test_language_round_trip_on_call_page(client):
    CallFactory(
        slug="ami-3",
        title_fr="Appel à manifestation d'intérêt : troisième vague",
        title_en="Call for expressions of interest: third wave",
    )

    assert_round_trip(
        client,
        "/appels/ami-3/",
        english_url="/en/appels/ami-3/",
        french_h1="Appel à manifestation d&#x27;intérêt : troisième vague",
        english_h1="Call for expressions of interest: third wave",
    )


@pytest.mark.django_db
def test_language_round_trip_on_dataset_list(client):
    DatasetFactory(slug="pedestrian-flows", name_fr="Flux piétons")

    assert_round_trip(
        client,
        "/donnees/",
        english_url="/en/donnees/",
        french_h1="Jeux de données",
        english_h1="Datasets",
    )


@pytest.mark.django_db
def test_language_round_trip_on_dataset_detail(client):
    DatasetFactory(
        slug="pedestrian-flows", name_fr="Flux piétons", name_en="Pedestrian flows"
    )

    assert_round_trip(
        client,
        "/donnees/pedestrian-flows/",
        english_url="/en/donnees/pedestrian-flows/",
        french_h1="Flux piétons",
        english_h1="Pedestrian flows",
    )


@pytest.mark.django_db
def test_language_round_trip_on_login_page_keeps_the_query_string(client):
    assert_round_trip(
        client,
        "/comptes/login/?next=/appels/",
        english_url="/en/comptes/login/?next=/appels/",
        french_h1=" Connexion ",
        english_h1=" Sign In ",
    )


@pytest.mark.django_db
def test_language_round_trip_on_backoffice_page(client, settings):
    settings.PORTAL_REQUIRE_MFA = False
    organiser = make_user("claire@example.org", full_name="Claire Martin")
    OrganiserRole.objects.create(user=organiser)
    client.force_login(organiser)

    assert_round_trip(
        client,
        "/gestion/",
        english_url="/en/gestion/",
        french_h1="Gestion",
        english_h1="Back office",
    )


@pytest.mark.django_db
def test_language_links_mark_the_current_language(client):
    html = client.get("/en/donnees/").content.decode()

    nav = re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group(0)
    assert re.findall(
        r'<a href="([^"]*)" hreflang="(\w+)" lang="\w+"( aria-current)?', nav
    ) == [
        ("/donnees/", "fr", ""),
        ("/en/donnees/", "en", " aria-current"),
    ]


@pytest.mark.django_db
def test_language_link_on_a_missing_page_leads_to_the_other_language(client):
    response = client.get("/en/nulle-part/")

    assert response.status_code == 404
    assert switch_link(response.content.decode(), "fr") == "/nulle-part/"


@pytest.mark.django_db
def test_set_language_endpoint_goes_back_to_french(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/en/donnees/"})

    assert response.status_code == 302
    assert response["Location"] == "/donnees/"
    assert response.cookies["django_language"].value == "fr"


@pytest.mark.django_db
def test_set_language_endpoint_goes_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/donnees/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/donnees/"


@pytest.mark.django_db
def test_language_link_never_leads_to_another_site(client):
    response = client.get("/en//pirate.example/")

    assert response.status_code == 404
    assert switch_link(response.content.decode(), "fr") == "/pirate.example/"


@pytest.mark.django_db
def test_language_link_of_a_missing_page_keeps_its_path_quoted(client):
    response = client.get("/en/a%3Fb%20c/")

    assert switch_link(response.content.decode(), "fr") == "/a%3Fb%20c/"
