import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_home_page_in_french_by_default(client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Le quartier connecté des Batignolles" in html
    assert "Aller au contenu" in html
    assert 'id="contenu"' in html


@pytest.mark.django_db
def test_home_page_in_english(client):
    response = client.get("/en/")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "The connected neighbourhood of Batignolles" in html
    assert "Skip to content" in html


@pytest.mark.django_db
def test_language_switch_redirects_to_english_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "style=" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/mentions-legales/", "Mentions légales"),
        ("/donnees-personnelles/", "Données personnelles"),
        ("/accessibilite/", "Déclaration d’accessibilité"),
    ],
)
def test_footer_pages_are_published_in_french(client, url, title):
    html = client.get(url).content.decode()

    assert f"<h1>{title}</h1>" in html


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_accessibility_statement_says_what_was_tested_and_how(client):
    html = client.get("/accessibilite/").content.decode()

    assert "<h2>Comment le portail est testé</h2>" in html
    assert "le moteur d’accessibilité axe-core ne doit trouver aucune violation" in html
    assert "remplis au seul clavier" in html
    assert "le portail se déclare donc partiellement conforme" in html


@pytest.mark.django_db
def test_accessibility_statement_in_english(client):
    html = client.get("/en/accessibilite/").content.decode()

    assert "<h2>How the portal is tested</h2>" in html
    assert "completed with the keyboard alone" in html
