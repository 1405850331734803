"""The registry of personal data (portal/accounts/registry.py) covers every
model holding personal data, names only fields that exist, and the privacy
notice is built from it in French and English."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from portal.accounts.registry import (
    NOT_PERSONAL,
    REGISTRY,
    LegalBasis,
    registered_models,
)

# Field names that say "a person": an email, a phone, an IP, a name, an
# address, a person's free text about themselves.
PERSONAL_NAME = re.compile(
    r"(^|_)(email|e_mail|phone|mobile|telephone|ip|ip_address|address|"
    r"full_name|first_name|last_name|name|to|reply_to|signer_name|holder_name|"
    r"owner_name|session_data|conflict_statement)$"
)


def personal_fields(model):
    """The fields of ``model`` that hold personal data, by their kind or name."""
    found = set()
    for field in model._meta.get_fields():
        if not (field.concrete or field.many_to_many) or field.auto_created:
            continue
        if field.is_relation and field.related_model is apps.get_model(
            settings.AUTH_USER_MODEL
        ):
            found.add(field.name)
        elif isinstance(field, models.GenericIPAddressField):
            found.add(field.name)
        elif isinstance(field, models.EmailField):
            found.add(field.name)
        elif PERSONAL_NAME.search(field.name) and isinstance(
            field, (models.CharField, models.TextField, models.JSONField)
        ):
            found.add(field.name)
    return found


def test_every_model_with_personal_fields_is_in_the_registry():
    registered = registered_models()
    missing = {}
    unlisted_fields = {}
    for model in apps.get_models():
        label = model._meta.label
        fields = personal_fields(model)
        if not fields or label in NOT_PERSONAL:
            continue
        if label not in registered:
            missing[label] = sorted(fields)
            continue
        extra = fields - set(registered[label].models[label])
        if extra:
            unlisted_fields[label] = sorted(extra)

    assert missing == {}
    assert unlisted_fields == {}


def test_registry_names_only_models_and_fields_that_exist():
    wrong = []
    for label, entry in registered_models().items():
        model = apps.get_model(label)
        names = {field.name for field in model._meta.get_fields()}
        wrong += [
            f"{label}.{name}" for name in entry.models[label] if name not in names
        ]
    for label in NOT_PERSONAL:
        apps.get_model(label)

    assert wrong == []


def test_every_processing_states_purpose_basis_retention_and_erasure():
    for entry in REGISTRY:
        assert entry.legal_basis in LegalBasis.LABELS
        assert str(entry.purpose) and str(entry.retention) and str(entry.erasure)
        assert entry.models


def test_registry_detects_a_new_model_with_an_email(settings):
    class Newsletter(models.Model):
        email = models.EmailField()

        class Meta:
            app_label = "portal"

    try:
        assert personal_fields(Newsletter) == {"email"}
        assert "portal.Newsletter" not in registered_models()
    finally:
        apps.all_models["portal"].pop("newsletter", None)
        apps.clear_cache()


@pytest.mark.django_db
def test_privacy_notice_lists_every_processing_in_french(client):
    response = client.get("/donnees-personnelles/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr class="processing">') == len(REGISTRY)
    assert '<th scope="row">Comptes</th>' in html
    assert "Mission d’intérêt public (RGPD art. 6(1)(e))" in html
    assert (
        "Brouillons jamais déposés\u00a0: 90 jours après la date limite de l’appel."
        in html
    )
    assert (
        "Les événements\u00a0: 5 ans. Les noms et adresses qu’ils portent, et les "
        "journaux\u00a0: 6 mois." in html
    )


@pytest.mark.django_db
def test_privacy_notice_lists_every_processing_in_english(client):
    response = client.get("/en/donnees-personnelles/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr class="processing">') == len(REGISTRY)
    assert '<th scope="row">Accounts</th>' in html
    assert "Task carried out in the public interest (GDPR art. 6(1)(e))" in html
    assert "Drafts never submitted: 90 days after the call&#x27;s deadline." in html
