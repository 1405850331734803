"""The services of data access: grants and API keys."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from freezegun import freeze_time

from datasets import keys
from datasets.models import ApiKey
from datasets.services import (
    MAX_ACTIVE_KEYS_PER_GRANT,
    change_data_grant,
    grant_data_access,
    issue_api_key,
    revoke_api_key,
    revoke_data_grant,
    rotate_api_key,
)
from portal.audit.models import AuditEvent
from tests.conftest import make_user
from tests.datasets.factories import DatasetFactory


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def pedestrians(db):
    return DatasetFactory(slug="pedestrian-flows")


@pytest.fixture
def sound(db):
    return DatasetFactory(slug="sound-levels")


@pytest.fixture
def holder(db):
    return make_user("ines@example.org", full_name="Inès Moreau")


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def grant(holder, pedestrians, organiser):
    return grant_data_access(
        holder,
        project="Trottoirs vivants",
        datasets=[pedestrians],
        expires_at=in_days(90),
        actor=organiser,
    )


def verbs():
    return list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))


def test_grant_data_access_records_terms_and_audit(grant, holder, organiser):
    assert grant.holder == holder
    assert grant.granted_by == organiser
    assert list(grant.datasets.values_list("slug", flat=True)) == ["pedestrian-flows"]
    event = AuditEvent.objects.get(verb="data_grant.created")
    assert event.actor == organiser
    assert event.after["datasets"] == ["pedestrian-flows"]
    assert event.data == {"holder": holder.pk}


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"datasets": []}, "Choisissez au moins un jeu de données."),
        ({"expires_at_days": -1}, "La fin de l’accès doit être dans le futur."),
        (
            {"expires_at_days": 400},
            "Un accès dure au plus 366 jours : choisissez une fin plus proche.",
        ),
        ({"project": "  "}, "Indiquez le nom du projet."),
    ],
)
def test_grant_data_access_refuses_bad_terms(
    holder, pedestrians, organiser, terms, message
):
    arguments = {
        "project": terms.get("project", "Projet"),
        "datasets": terms.get("datasets", [pedestrians]),
        "expires_at": in_days(terms.get("expires_at_days", 30)),
        "actor": organiser,
    }
    with pytest.raises(ValidationError) as error:
        grant_data_access(holder, **arguments)
    assert error.value.messages == [message]
    assert verbs() == []


def test_issued_key_keeps_only_the_digest(grant, holder):
    key, token = issue_api_key(grant, name="  prod  ", actor=holder)
    prefix = token.split("_")[1]
    secret = token.split("_", 2)[2]
    assert keys.is_well_formed(token)
    assert key.name == "prod"
    assert key.prefix == prefix
    assert key.digest == keys.digest_of(token)
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert not any(secret in str(value) for value in stored.values())
    assert key.expires_at == grant.expires_at
    event = AuditEvent.objects.get(verb="api_key.issued")
    assert event.data == {"prefix": prefix, "name": "prod", "grant": grant.pk}
    assert secret not in str(event.data)


def test_issue_api_key_refuses_past_the_limit(grant, holder):
    for number in range(MAX_ACTIVE_KEYS_PER_GRANT):
        issue_api_key(grant, name=f"key {number}", actor=holder)
    with pytest.raises(ValidationError) as error:
        issue_api_key(grant, name="one more", actor=holder)
    assert error.value.messages == [
        "5 clés sont déjà actives : révoquez-en une d’abord."
    ]
    revoke_api_key(grant.keys.first(), actor=holder)
    issue_api_key(grant, name="one more", actor=holder)
    assert grant.keys.filter(revoked_at__isnull=True).count() == 5


def test_no_key_on_a_revoked_or_expired_grant(grant, holder, organiser):
    revoke_data_grant(grant, reason="fin du projet", actor=organiser)
    with pytest.raises(ValidationError):
        issue_api_key(grant, name="prod", actor=holder)
    other = grant_data_access(
        holder,
        project="Autre",
        datasets=list(grant.datasets.all()),
        expires_at=in_days(1),
        actor=organiser,
    )
    with freeze_time(in_days(2)), pytest.raises(ValidationError):
        issue_api_key(other, name="prod", actor=holder)


def test_issue_api_key_needs_a_name(grant, holder):
    with pytest.raises(ValidationError) as error:
        issue_api_key(grant, name=" ", actor=holder)
    assert error.value.messages == [
        "Nommez la clé (par exemple, là où elle est utilisée)."
    ]


def test_revoke_twice_is_one_event(grant, holder):
    key, _token = issue_api_key(grant, name="prod", actor=holder)
    first = revoke_api_key(key, actor=holder)
    second = revoke_api_key(key, actor=holder)
    assert first.revoked_at == second.revoked_at
    assert verbs().count("api_key.revoked") == 1


def test_rotate_keeps_the_old_key_a_day(grant, holder):
    key, _token = issue_api_key(grant, name="prod", actor=holder)
    with freeze_time("2026-11-23 10:00:00+00:00"):
        new_key, new_token = rotate_api_key(key, actor=holder)
    key.refresh_from_db()
    assert key.expires_at == datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC)
    assert key.replaced_by == new_key
    assert new_key.digest == keys.digest_of(new_token)
    assert new_key.expires_at == grant.expires_at
    with pytest.raises(ValidationError):
        rotate_api_key(key, actor=holder)  # already rotated
    assert verbs().count("api_key.rotated") == 1


def test_revoke_grant_revokes_its_keys_with_the_reason(grant, holder, organiser):
    issue_api_key(grant, name="a", actor=holder)
    issue_api_key(grant, name="b", actor=holder)
    revoke_data_grant(grant, reason="Charte non respectée", actor=organiser)
    grant.refresh_from_db()
    assert grant.revoke_reason == "Charte non respectée"
    assert set(grant.keys.values_list("revoked_at", flat=True)) == {grant.revoked_at}
    event = AuditEvent.objects.get(verb="data_grant.revoked")
    assert event.data == {"reason": "Charte non respectée", "keys_revoked": 2}


def test_change_grant_shortens_its_keys(grant, holder, organiser, pedestrians, sound):
    key, _token = issue_api_key(grant, name="prod", actor=holder)
    end = in_days(10)
    change_data_grant(
        grant, datasets=[pedestrians, sound], expires_at=end, actor=organiser
    )
    key.refresh_from_db()
    assert key.expires_at == end
    event = AuditEvent.objects.get(verb="data_grant.changed")
    assert event.before["datasets"] == ["pedestrian-flows"]
    assert event.after["datasets"] == ["pedestrian-flows", "sound-levels"]
