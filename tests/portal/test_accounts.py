import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.conftest import make_user

PASSWORD = "une-phrase-de-passe-solide"


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.mark.django_db
def test_signup_sends_verification_email_and_link_verifies(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comptes/signup/",
            {
                "email": "nouvelle@example.org",
                "full_name": "Camille Durand",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    assert response.status_code == 302
    assert response["Location"] == "/comptes/confirm-email/"
    user = User.objects.get(email="nouvelle@example.org")
    assert (user.full_name, user.language) == ("Camille Durand", "fr")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle@example.org"]
    assert "/comptes/confirm-email/" in mail.outbox[0].body
    # It went through the outbox, where organisers see it sent.
    queued = OutgoingEmail.objects.get()
    assert (queued.kind, queued.to, queued.state, queued.language) == (
        "account",
        "nouvelle@example.org",
        "sent",
        "fr",
    )
    assert queued.about == "email_confirmation_signup"
    assert queued.subject == mail.outbox[0].subject

    confirm_url = link_in(mail.outbox[0])
    page = client.get(confirm_url)
    assert "nouvelle@example.org" in page.content.decode()
    client.post(confirm_url)

    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_login_refused_until_email_is_verified(
    client, django_capture_on_commit_callbacks
):
    make_user("pas.verifie@example.org", verified=False, password=PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comptes/login/",
            {"login": "pas.verifie@example.org", "password": PASSWORD},
        )

    assert response.status_code == 302
    assert response["Location"] == "/comptes/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_login_with_email_and_password(client):
    user = make_user("lea@example.org", password=PASSWORD)

    response = client.post(
        "/comptes/login/", {"login": "LEA@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/mon-compte/"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_password_reset_email_link_sets_new_password(
    client, django_capture_on_commit_callbacks
):
    user = make_user("lea@example.org", password="ancien-mot-de-passe")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/comptes/password/reset/", {"email": "lea@example.org"})

    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])
    form_page = client.get(reset_url, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    client.post(set_url, {"password1": PASSWORD, "password2": PASSWORD})
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_login_failures_are_rate_limited(client):
    make_user("lea@example.org", password=PASSWORD)

    for _ in range(5):
        client.post("/comptes/login/", {"login": "lea@example.org", "password": "x"})
    response = client.post(
        "/comptes/login/", {"login": "lea@example.org", "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}


@pytest.mark.django_db
def test_backoffice_sends_organiser_without_mfa_to_mfa_setup(client, organiser):
    client.force_login(organiser)

    response = client.get("/gestion/")

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/2fa/totp/activate/")


@pytest.mark.django_db
def test_backoffice_opens_for_organiser_with_mfa(client, organiser):
    Authenticator.objects.create(
        user=organiser, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(organiser)

    response = client.get("/gestion/")

    assert response.status_code == 200
    assert "<h1>Gestion</h1>" in response.content.decode()


@pytest.mark.django_db
def test_backoffice_mfa_requirement_can_be_switched_off(client, organiser, settings):
    settings.PORTAL_REQUIRE_MFA = False
    client.force_login(organiser)

    assert client.get("/gestion/").status_code == 200


@pytest.mark.django_db
def test_backoffice_answers_404_to_user_without_role(client, user):
    client.force_login(user)

    assert client.get("/gestion/").status_code == 404


@pytest.mark.django_db
def test_backoffice_sends_anonymous_to_login(client):
    response = client.get("/gestion/")

    assert response.status_code == 302
    assert response["Location"] == "/comptes/login/?next=/gestion/"


@pytest.mark.django_db
def test_profile_update_saves_language_and_is_audited(client, user):
    client.force_login(user)

    client.post("/mon-compte/profil/", {"full_name": "Léa F.", "language": "en"})

    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Léa F.", "en")
    event = AuditEvent.objects.get(verb="account.updated")
    assert event.actor == user
    assert event.before == {"full_name": "Léa Fontaine", "language": "fr"}


@pytest.mark.django_db
def test_personal_data_export_contains_the_account(client, user):
    client.force_login(user)

    response = client.get("/mon-compte/mes-donnees/")

    assert response["Content-Disposition"].startswith("attachment;")
    data = response.json()
    assert data["account"]["email"] == "lea@example.org"
    assert data["account"]["full_name"] == "Léa Fontaine"


@pytest.mark.django_db
def test_erase_account_needs_the_email_and_removes_personal_data(client, user):
    client.force_login(user)

    refused = client.post("/mon-compte/supprimer/", {"confirm": "wrong@example.org"})
    assert "adresse électronique de votre compte" in refused.content.decode()
    client.post("/mon-compte/supprimer/", {"confirm": "lea@example.org"})

    user.refresh_from_db()
    assert user.email == f"erased-{user.pk}@invalid.example"
    assert user.full_name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(verb="account.erased").count() == 1


@pytest.mark.django_db
def test_purge_erases_only_accounts_unused_past_retention(organiser):
    from datetime import timedelta

    from django.utils import timezone

    from portal.accounts.tasks import purge_inactive_accounts_task

    old = timezone.now() - timedelta(days=3 * 365 + 1)
    stale = make_user("ancien@example.org")
    recent = make_user("recent@example.org")
    User.objects.filter(pk__in=[stale.pk, organiser.pk]).update(
        date_joined=old, last_login=old
    )
    User.objects.filter(pk=recent.pk).update(date_joined=old, last_login=timezone.now())

    assert purge_inactive_accounts_task.apply().get() == 1
    assert purge_inactive_accounts_task.apply().get() == 0

    stale.refresh_from_db()
    recent.refresh_from_db()
    organiser.refresh_from_db()
    assert stale.email.startswith("erased-")
    assert recent.email == "recent@example.org"
    assert organiser.email == "claire@example.org"


@pytest.mark.django_db
def test_backoffice_sends_jury_member_without_mfa_to_mfa_setup(client, user):
    from applications.jury.models import JuryMembership
    from tests.applications.factories import CallFactory

    JuryMembership.objects.create(call=CallFactory(), user=user)
    client.force_login(user)

    response = client.get("/gestion/")

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/2fa/totp/activate/")


def test_login_form_puts_the_checkbox_before_its_label(client, db):
    html = client.get("/comptes/login/").content.decode()
    checkbox = html.index('<div class="field checkbox">')
    box = html.index('type="checkbox" name="remember"', checkbox)
    label = html.index('<label for="id_remember">Se souvenir de moi', checkbox)
    assert checkbox < box < label
    assert '<label for="id_login">Courriel' in html


@pytest.mark.django_db
def test_signup_without_a_name_is_refused_and_keeps_the_address(client):
    response = client.post(
        "/comptes/signup/",
        {
            "email": "sans.nom@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["Ce champ est obligatoire."]
    assert 'value="sans.nom@example.org"' in response.content.decode()
    assert not User.objects.filter(email="sans.nom@example.org").exists()
