import json
import re

import pytest
from django.template import Context, Template, loader
from django.test import Client, RequestFactory
from django.utils import translation

from portal import errors
from tests.applications.factories import CallFactory
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def juror(db):
    person = make_user("karim@example.org", full_name="Karim Benali")
    person.jury_memberships.create(call=CallFactory())
    return person


def h1(html):
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_debug_is_off_in_these_tests(settings):
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_missing_page_answers_the_styled_page_in_french(client):
    response = client.get("/nulle-part/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr">' in html
    assert h1(html) == "Page introuvable"
    assert "<title>Page introuvable · OpenBatignolles</title>" in html
    assert '<a class="btn" href="/">Aller à la page d’accueil</a>' in html
    assert (
        '<a class="btn btn-secondary" href="/comptes/login/">Se connecter</a>' in html
    )
    assert (
        '<a href="mailto:contact@openbatignolles.paris">'
        "Écrire à l’équipe\u00a0: contact@openbatignolles.paris</a>"
    ) in html
    assert html.count("<h1") == 1
    assert '<main id="contenu"' in html


@pytest.mark.django_db
def test_missing_page_answers_the_styled_page_in_english(client):
    response = client.get("/en/nowhere/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert h1(html) == "Page not found"
    assert '<a class="btn" href="/en/">Go to the home page</a>' in html
    assert '<a class="btn btn-secondary" href="/en/comptes/login/">Log in</a>' in html


@pytest.mark.django_db
def test_missing_object_answers_the_styled_page(client):
    response = client.get("/donnees/jeu-inconnu/")

    assert response.status_code == 404
    assert h1(response.content.decode()) == "Page introuvable"


@pytest.mark.django_db
def test_juror_on_organiser_page_gets_the_styled_403_in_french(client, juror, settings):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(juror)

    response = client.get("/gestion/")

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="fr">' in html
    assert h1(html) == "Accès refusé"
    assert (
        "Cette page est réservée à un autre rôle du programme "
        "(l’organisation, ou le jury d’un appel)."
    ) in html
    assert (
        '<a class="btn btn-secondary" href="/mon-compte/">Aller à mon espace</a>'
        in html
    )


@pytest.mark.django_db
def test_juror_on_organiser_page_gets_the_styled_403_in_english(
    client, juror, settings
):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(juror)

    response = client.get("/en/gestion/")

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="en">' in html
    assert h1(html) == "Access denied"
    assert (
        '<a class="btn btn-secondary" href="/en/mon-compte/">Go to my space</a>'
    ) in html


@pytest.mark.django_db
def test_dashboard_offers_no_backoffice_card_to_a_juror(client, juror):
    client.force_login(juror)

    html = client.get("/mon-compte/").content.decode()

    assert "/gestion/" not in html
    assert "Ouvrir la gestion" not in html
    assert '<h2 id="jury-title">Jury</h2>' in html


@pytest.mark.django_db
def test_dashboard_offers_the_backoffice_card_to_an_organiser(organiser_client):
    html = organiser_client.get("/mon-compte/").content.decode()

    assert '<a class="btn" href="/gestion/">Ouvrir la gestion</a>' in html


@pytest.mark.django_db
def test_every_card_of_a_juror_dashboard_opens(client, juror, settings):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(juror)
    html = client.get("/mon-compte/").content.decode()
    main = re.search(r"<main.*</main>", html, re.S).group(0)

    links = re.findall(r'<a (?:class="[^"]*" )?href="(/[^"]*)"', main)

    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.django_db
def test_unknown_api_url_keeps_a_json_error(client):
    response = client.get("/api/v1/nulle-part/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Non trouvé."}


def test_server_error_page_renders_with_a_bare_context():
    html = loader.get_template("500.html").template.render(Context())

    assert '<html lang="fr">' in html
    assert '<h1 id="error-title">Erreur du serveur</h1>' in html
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in html
    assert '<a class="btn" href="/">Aller à la page d’accueil</a>' in html
    assert "mailto:contact@openbatignolles.paris" in html


def test_server_error_page_uses_no_tag_that_needs_a_request():
    source = loader.get_template("500.html").template.source

    assert "{% url" not in source
    assert "{% static" not in source
    assert "{% extends" not in source
    assert "{% include" not in source
    assert Template(source).render(Context()).count("<h1") == 1


@pytest.mark.django_db
def test_server_error_handler_answers_the_page_in_english():
    request = RequestFactory().get("/en/appels/")
    with translation.override("en"):
        response = errors.server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in html
    assert '<h1 id="error-title">Server error</h1>' in html
    assert '<a class="btn" href="/en/">Go to the home page</a>' in html


def test_server_error_handler_answers_json_to_the_api():
    response = errors.server_error(RequestFactory().get("/api/v1/readings/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "detail": "Une erreur du serveur est survenue."
    }


@pytest.mark.django_db
def test_bad_host_answers_the_styled_400(client):
    response = client.get("/", HTTP_HOST="pirate.example")

    assert response.status_code == 400
    assert h1(response.content.decode()) == "Requête incomprise"


@pytest.mark.django_db
def test_form_without_its_token_answers_the_styled_csrf_page(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/mon-compte/profil/", {"full_name": "Léa"})

    html = response.content.decode()
    assert response.status_code == 403
    assert h1(html) == "Le formulaire a expiré"
    assert "Votre navigateur n’a pas envoyé le cookie du portail." in html
