"""Issue 12, no account enumeration: login, sign-up, password reset and
application references answer an existing account (or object) exactly as they
answer an unknown one: same status, same page, same message."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.accounts.models import User
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import ApplicationFactory
from tests.conftest import make_user

VOLATILE = [
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), "csrf"),
    (re.compile(r'value="[^"]*@example\.org"'), 'value="address"'),
]


def page(response, *typed):
    """The response as the visitor sees it, without per-response tokens and
    what they typed (an address echoed in the form, a reference in the
    page's alternate-language link)."""
    text = response.content.decode()
    for value in typed:
        text = text.replace(value, "<typed>")
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return response.status_code, response.get("Location"), text


@pytest.fixture(autouse=True)
def in_french():
    """The pages are read in French, whatever language an earlier test left
    active in this thread (``reverse`` follows it)."""
    with translation.override("fr"):
        yield


@pytest.fixture
def known(db):
    return make_user("connue@example.org", full_name="Agnès Connue")


def test_login_wrong_password_answers_like_an_unknown_address(client, known):
    url = reverse("account_login")
    wrong = client.post(url, {"login": "connue@example.org", "password": "not-it-1234"})
    unknown = client.post(
        url, {"login": "inconnue@example.org", "password": "not-it-1234"}
    )
    assert page(wrong) == page(unknown)
    assert wrong.status_code == 200
    assert (
        "L’adresse e-mail ou le mot de passe sont incorrects." in wrong.content.decode()
    )


def test_signup_with_a_taken_address_answers_like_a_new_one(client, known, settings):
    settings.ACCOUNT_PREVENT_ENUMERATION = True
    url = reverse("account_signup")

    def sign_up(email):
        client.logout()
        return client.post(
            url,
            {
                "email": email,
                "password1": "une-phrase-de-passe-longue",
                "password2": "une-phrase-de-passe-longue",
                "full_name": "Quelqu'un",
            },
        )

    taken = sign_up("connue@example.org")
    new = sign_up("nouvelle@example.org")
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert taken["Location"] == reverse("account_email_verification_sent")
    # The taken address gets an email saying so, not a second account.
    assert User.objects.filter(email__iexact="connue@example.org").count() == 1
    assert User.objects.filter(email="nouvelle@example.org").count() == 1


def test_password_reset_answers_the_same_for_any_address(client, known):
    url = reverse("account_reset_password")
    existing = client.post(url, {"email": "connue@example.org"})
    unknown = client.post(url, {"email": "inconnue@example.org"})
    assert page(existing) == page(unknown)
    assert existing["Location"] == reverse("account_reset_password_done")


def test_password_reset_form_gives_no_hint_of_a_known_address(client, known):
    url = reverse("account_reset_password")
    existing = client.post(url, {"email": "connue@example.org"}, follow=True)
    unknown = client.post(url, {"email": "inconnue@example.org"}, follow=True)
    assert page(existing, "connue@example.org") == page(unknown, "inconnue@example.org")
    # Each address is told by email (an unknown one that it has no account).
    recipients = sorted(OutgoingEmail.objects.values_list("to", flat=True))
    assert recipients == ["connue@example.org", "inconnue@example.org"]


def test_application_reference_of_others_answers_like_an_unknown_one(
    client, known, other_user
):
    application = ApplicationFactory(lead=other_user)
    client.force_login(known)
    paths = {
        "detail": "applications:application_detail",
        "edit": "applications:application_edit",
        "team": "applications:team",
    }
    for label, name in paths.items():
        theirs = client.get(reverse(name, args=[application.reference]))
        unknown = client.get(reverse(name, args=["AMI9-9999"]))
        assert page(theirs, application.reference) == page(unknown, "AMI9-9999"), label
        assert theirs.status_code == 404, label


def test_reference_of_others_answers_like_unknown_to_anonymous(client, other_user):
    application = ApplicationFactory(lead=other_user)
    theirs = client.get(
        reverse("applications:application_detail", args=[application.reference])
    )
    unknown = client.get(reverse("applications:application_detail", args=["AMI9-9999"]))
    assert theirs.status_code == unknown.status_code == 302
    assert theirs["Location"].split("?")[0] == unknown["Location"].split("?")[0]
