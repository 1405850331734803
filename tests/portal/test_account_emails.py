"""allauth's emails speak with the portal's name and voice, in French and English."""

import re

import pytest
from django.core import mail
from django.utils import translation

from portal.accounts.models import User
from tests.conftest import make_user

PASSWORD = "une-phrase-de-passe-solide"
SITE = "https://openbatignolles.paris"


@pytest.fixture(autouse=True)
def _public_site(settings):
    settings.SITE_URL = SITE
    translation.activate("fr")
    yield
    translation.activate("fr")


def link_in(message):
    return re.search(r"https://openbatignolles\.paris(/\S+/)\n", message.body).group(1)


@pytest.mark.django_db(transaction=True)  # the outbox sends after the commit
def test_signup_verification_email_speaks_as_the_portal_in_french(client):
    client.post(
        "/comptes/signup/",
        {
            "email": "nouvelle@example.org",
            "full_name": "Camille Durand",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST="127.0.0.1:8811",
        SERVER_NAME="127.0.0.1",
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    key = re.search(r"/comptes/confirm-email/([^/\s]+)/", message.body).group(1)
    assert message.subject == (
        "[OpenBatignolles] Confirmez votre adresse électronique pour activer votre "
        "compte"
    )
    assert message.body == (
        "Bonjour,\n"
        "\n"
        "Quelqu’un, sans doute vous, a créé un compte avec l’adresse "
        "nouvelle@example.org sur OpenBatignolles, le portail des données ouvertes "
        "du quartier des Batignolles.\n"
        "\n"
        "Pour confirmer cette adresse, ouvrez ce lien\u00a0:\n"
        "\n"
        f"https://openbatignolles.paris/comptes/confirm-email/{key}/\n"
        "\n"
        "Si vous n’êtes pas à l’origine de cette demande, ignorez ce "
        "courriel\u00a0: rien ne changera.\n"
        "\n"
        "L’équipe OpenBatignolles, Mairie du 17e\n"
        "https://openbatignolles.paris/"
    )
    assert "127.0.0.1" not in message.body
    assert "c'est" not in message.body


@pytest.mark.django_db(transaction=True)  # the outbox sends after the commit
def test_signup_verification_link_on_the_public_site_verifies(client):
    client.post(
        "/comptes/signup/",
        {
            "email": "nouvelle@example.org",
            "full_name": "Camille Durand",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    confirm_path = link_in(mail.outbox[0])

    client.post(confirm_path)

    address = User.objects.get(email="nouvelle@example.org").emailaddress_set.get()
    assert address.verified is True


@pytest.mark.django_db(transaction=True)  # the outbox sends after the commit
def test_signup_verification_email_in_english(client):
    client.post(
        "/en/comptes/signup/",
        {
            "email": "new@example.org",
            "full_name": "Camille Durand",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    message = mail.outbox[0]
    key = re.search(r"/comptes/confirm-email/([^/\s]+)/", message.body).group(1)
    assert message.subject == (
        "[OpenBatignolles] Confirm your email address to activate your account"
    )
    assert message.body == (
        "Hello,\n"
        "\n"
        "Someone, probably you, created an account with the address new@example.org "
        "on OpenBatignolles, the open data portal of the Batignolles neighbourhood.\n"
        "\n"
        "To confirm this address, open this link:\n"
        "\n"
        f"https://openbatignolles.paris/en/comptes/confirm-email/{key}/\n"
        "\n"
        "If you did not ask for it, ignore this email: nothing will change.\n"
        "\n"
        "The OpenBatignolles team, Mairie du 17e\n"
        "https://openbatignolles.paris/en/"
    )


@pytest.mark.django_db(transaction=True)  # the outbox sends after the commit
def test_password_reset_email_links_to_the_public_site(client):
    make_user("lea@example.org", password="ancien-mot-de-passe")

    client.post(
        "/comptes/password/reset/",
        {"email": "lea@example.org"},
        HTTP_HOST="127.0.0.1:8811",
    )

    message = mail.outbox[0]
    assert message.subject == "[OpenBatignolles] Choisissez un nouveau mot de passe"
    assert message.body.startswith(
        "Bonjour,\n\nQuelqu’un, sans doute vous, a demandé à réinitialiser le mot de "
        "passe de votre compte OpenBatignolles. Pour choisir un nouveau mot de passe, "
        "ouvrez ce lien\u00a0:\n\nhttps://openbatignolles.paris/comptes/password/reset/key/"
    )
    assert message.body.endswith(
        "\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce "
        "courriel\u00a0: votre mot de passe reste le même.\n\n"
        "L’équipe OpenBatignolles, Mairie du 17e\nhttps://openbatignolles.paris/"
    )
    assert "127.0.0.1" not in message.body


@pytest.mark.django_db(transaction=True)  # the outbox sends after the commit
def test_password_reset_for_an_unknown_address_says_so(client):
    client.post("/comptes/password/reset/", {"email": "inconnue@example.org"})

    message = mail.outbox[0]
    assert message.subject == "[OpenBatignolles] Aucun compte n’utilise cette adresse"
    assert message.body == (
        "Bonjour,\n"
        "\n"
        "Quelqu’un, sans doute vous, a demandé à se connecter ou à réinitialiser un "
        "mot de passe sur OpenBatignolles avec l’adresse inconnue@example.org. "
        "Aucun compte n’utilise cette adresse.\n"
        "\n"
        "Si c’était vous, vous pouvez créer un compte ici\u00a0:\n"
        "\n"
        "https://openbatignolles.paris/comptes/signup/\n"
        "\n"
        "Si vous n’êtes pas à l’origine de cette demande, ignorez ce courriel.\n"
        "\n"
        "L’équipe OpenBatignolles, Mairie du 17e\n"
        "https://openbatignolles.paris/"
    )


@pytest.mark.django_db(transaction=True)  # the outbox sends after the commit
def test_signup_with_a_taken_address_sends_the_reset_link(client):
    make_user("lea@example.org")

    client.post(
        "/comptes/signup/",
        {
            "email": "lea@example.org",
            "full_name": "Camille Durand",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    message = mail.outbox[0]
    assert message.subject == "[OpenBatignolles] Vous avez déjà un compte"
    assert (
        "Si vous avez oublié votre mot de passe, choisissez-en un nouveau "
        "ici\u00a0:\n\n"
        "https://openbatignolles.paris/comptes/password/reset/\n"
    ) in message.body


@pytest.mark.django_db(transaction=True)  # the outbox sends after the commit
def test_password_change_is_notified_in_the_users_language(client, settings):
    user = make_user("ines@example.org", password=PASSWORD, language="en")
    client.force_login(user)

    client.post(
        "/comptes/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "un-autre-mot-de-passe-long",
            "password2": "un-autre-mot-de-passe-long",
        },
        REMOTE_ADDR="192.0.2.7",
        HTTP_USER_AGENT="Firefox/140.0",
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@example.org"]
    assert message.subject == "[OpenBatignolles] Your password has changed"
    body = re.sub(r"Date: .*\(Paris time\)", "Date: <date> (Paris time)", message.body)
    assert body == (
        "Hello,\n"
        "\n"
        "This change was just made to your OpenBatignolles account:\n"
        "\n"
        "Your password has been changed.\n"
        "\n"
        "If you did not make it, choose a new password now at "
        "https://openbatignolles.paris/en/comptes/password/reset/ and write to us "
        "at contact@openbatignolles.paris.\n"
        "\n"
        "The change came from:\n"
        "- IP address: 192.0.2.7\n"
        "- Browser: Firefox/140.0\n"
        "- Date: <date> (Paris time)\n"
        "\n"
        "The OpenBatignolles team, Mairie du 17e\n"
        "https://openbatignolles.paris/en/"
    )
