"""The services of data access: grants and API keys."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from freezegun import freeze_time

from applications.models import Project
from datasets.access import keys
from datasets.access.models import ApiKey, DataGrant
from datasets.access.selectors import grant_email_recipients
from datasets.access.services import (
    MAX_ACTIVE_KEYS_PER_GRANT,
    change_data_grant,
    grant_data_access,
    issue_api_key,
    revoke_api_key,
    revoke_data_grant,
    rotate_api_key,
)
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import TeamMemberFactory
from tests.conftest import make_user
from tests.datasets.conftest import make_project
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
def project(holder):
    return make_project(holder, "Trottoirs vivants")


@pytest.fixture
def grant(project, holder, pedestrians, organiser):
    return grant_data_access(
        project,
        holder=holder,
        datasets=[pedestrians],
        expires_at=in_days(90),
        actor=organiser,
    )


def verbs():
    return list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))


def test_grant_data_access_records_terms_and_audit(grant, project, holder, organiser):
    assert grant.project == project
    assert grant.project_name == "Trottoirs vivants"
    assert grant.holder == holder
    assert grant.granted_by == organiser
    assert list(grant.datasets.values_list("slug", flat=True)) == ["pedestrian-flows"]
    event = AuditEvent.objects.get(verb="data_grant.created")
    assert event.actor == organiser
    assert event.after == {
        "project": "Trottoirs vivants",
        "project_id": project.pk,
        "datasets": ["pedestrian-flows"],
        "expires_at": grant.expires_at.isoformat(),
        "requests_per_minute": 600,
        "requests_per_day": 100_000,
    }
    assert event.data == {"holder": holder.pk}


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"datasets": []}, "Choose at least one dataset."),
        ({"expires_at_days": -1}, "The end of the access must be in the future."),
        (
            {"expires_at_days": 400},
            "An access runs for 366 days at most: choose an earlier end.",
        ),
        ({"project": None}, "Choose the project."),
        ({"project": "completed"}, "This project is no longer in the programme."),
        ({"project": "withdrawn"}, "This project is no longer in the programme."),
        ({"holder": "outsider"}, "The holder must be a member of the project's team."),
        ({"holder": "closed"}, "This account is closed."),
    ],
)
def test_grant_data_access_refuses_bad_terms(
    project, holder, pedestrians, organiser, terms, message
):
    chosen = terms.get("project", "active")
    if chosen in ("completed", "withdrawn"):
        Project.objects.filter(pk=project.pk).update(state=chosen)
        project.refresh_from_db()
    person = holder
    if terms.get("holder") == "outsider":
        person = make_user("zoe@example.org")
    elif terms.get("holder") == "closed":
        holder.is_active = False
        holder.save(update_fields=["is_active"])
    arguments = {
        "holder": person,
        "datasets": terms.get("datasets", [pedestrians]),
        "expires_at": in_days(terms.get("expires_at_days", 30)),
        "actor": organiser,
    }
    with translation.override("en"), pytest.raises(ValidationError) as error:
        grant_data_access(None if chosen is None else project, **arguments)
    assert error.value.messages == [message]
    assert DataGrant.objects.count() == 0
    assert "data_grant.created" not in verbs()
    assert OutgoingEmail.objects.count() == 0


def test_grant_email_recipients_are_the_team_and_the_holder_once(
    grant, project, holder
):
    member = make_user("remi@example.org")
    closed = make_user("ancien@example.org", is_active=False)
    TeamMemberFactory(application=project.application, user=member)
    TeamMemberFactory(application=project.application, user=closed)
    make_project(make_user("autre@example.org"), "Autre projet")

    assert [p.email for p in grant_email_recipients(grant)] == [
        "ines@example.org",
        "remi@example.org",
    ]


def test_legacy_grant_emails_its_holder_only(grant, holder):
    DataGrant.objects.filter(pk=grant.pk).update(
        project=None, legacy_project="Ancien projet"
    )
    grant.refresh_from_db()

    assert grant.project_name == "Ancien projet"
    assert str(grant) == "Ancien projet"
    assert grant_email_recipients(grant) == [holder]


def test_a_grant_names_a_project_or_keeps_its_old_name(grant):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataGrant.objects.filter(pk=grant.pk).update(project=None, legacy_project="")


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
    assert event.data == {
        "prefix": prefix,
        "name": "prod",
        "grant": grant.pk,
        "datasets": [],
        "networks": [],
        "expires_at": grant.expires_at.isoformat(),
    }
    assert secret not in str(event.data)


def test_issue_api_key_refuses_past_the_limit(grant, holder):
    for number in range(MAX_ACTIVE_KEYS_PER_GRANT):
        issue_api_key(grant, name=f"key {number}", actor=holder)
    with pytest.raises(ValidationError) as error:
        issue_api_key(grant, name="one more", actor=holder)
    assert error.value.messages == [
        "5 clés sont déjà actives\u00a0: révoquez-en une d’abord."
    ]
    revoke_api_key(grant.keys.first(), actor=holder)
    issue_api_key(grant, name="one more", actor=holder)
    assert grant.keys.filter(revoked_at__isnull=True).count() == 5


def test_no_key_on_a_revoked_or_expired_grant(grant, holder, organiser):
    revoke_data_grant(grant, reason="fin du projet", actor=organiser)
    with pytest.raises(ValidationError):
        issue_api_key(grant, name="prod", actor=holder)
    other = grant_data_access(
        make_project(holder, "Autre"),
        holder=holder,
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
