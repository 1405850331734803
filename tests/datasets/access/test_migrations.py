"""The move of data access to its own app keeps every row: a database holding
grants, keys, usage and their audit events at the old state (models in
``datasets``, a grant's project in free text) is migrated forward, and all of
it is still there, the grant linked to its Project when the text names one."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD = [("access", None), ("datasets", "0006_ingestion_run_progress")]


def _leaves(executor):
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_keeps_grants_keys_usage_and_their_events():
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    try:
        _check_the_move(executor)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(_leaves(executor))


def _check_the_move(executor):
    executor = MigrationExecutor(connection)
    old = executor._create_project_state(with_applied_migrations=True).apps
    User = old.get_model("accounts", "User")
    Call = old.get_model("applications", "Call")
    DataCharter = old.get_model("applications", "DataCharter")
    Application = old.get_model("applications", "Application")
    TeamMember = old.get_model("applications", "TeamMember")
    Project = old.get_model("applications", "Project")
    Dataset = old.get_model("datasets", "Dataset")
    DtprSheet = old.get_model("datasets", "DtprSheet")
    DataGrant = old.get_model("datasets", "DataGrant")
    ApiKey = old.get_model("datasets", "ApiKey")
    ApiKeyUsage = old.get_model("datasets", "ApiKeyUsage")
    ContentType = old.get_model("contenttypes", "ContentType")
    AuditEvent = old.get_model("audit", "AuditEvent")

    now = timezone.now()
    lead = User.objects.create(email="lead@example.org", password="!")
    other = User.objects.create(email="autre@example.org", password="!")
    sheet = DtprSheet.objects.create(
        slug="flux", name_fr="Flux", accountable="Mairie", retention_days=30
    )
    pedestrians = Dataset.objects.create(
        slug="pedestrian-flows",
        name_fr="Flux piétons",
        description_fr="-",
        dtpr_sheet=sheet,
    )
    sound = Dataset.objects.create(
        slug="sound-levels",
        name_fr="Niveau sonore",
        description_fr="-",
        dtpr_sheet=sheet,
    )
    charter = DataCharter.objects.create(
        version="1.0", text_fr="Charte", published_on=datetime.date(2025, 7, 1)
    )
    call = Call.objects.create(
        slug="ami-1",
        title_fr="AMI",
        summary_fr="-",
        text_fr="-",
        opens_at=now - datetime.timedelta(days=90),
        closes_at=now - datetime.timedelta(days=30),
        charter=charter,
    )
    application = Application.objects.create(
        call=call,
        reference="AMI-2025-0001",
        state="retained",
        title="Baromètre du bruit nocturne",
    )
    TeamMember.objects.create(application=application, user=lead, role="lead")
    project = Project.objects.create(
        application=application, slug="barometre", name="Baromètre du bruit nocturne"
    )
    matched = DataGrant.objects.create(
        holder=lead,
        project="  baromètre du bruit  NOCTURNE ",
        expires_at=now + datetime.timedelta(days=30),
    )
    matched.datasets.set([pedestrians, sound])
    legacy = DataGrant.objects.create(
        holder=other,
        project="Un projet d'avant l'appel",
        expires_at=now + datetime.timedelta(days=10),
        revoked_at=now,
        revoke_reason="Fin",
    )
    legacy.datasets.set([sound])
    key = ApiKey.objects.create(
        grant=matched,
        name="prod",
        prefix="0a1b2c3d",
        digest="d" * 64,
        expires_at=matched.expires_at,
    )
    ApiKeyUsage.objects.create(key=key, day=datetime.date(2026, 11, 20), requests=42)
    grant_type = ContentType.objects.get(app_label="datasets", model="datagrant")
    AuditEvent.objects.create(
        verb="data_grant.created", target_type=grant_type, target_id=str(matched.pk)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(_leaves(executor))

    from datasets.access.models import ApiKey as NewApiKey
    from datasets.access.models import ApiKeyUsage as NewApiKeyUsage
    from datasets.access.models import DataGrant as NewDataGrant
    from datasets.access.selectors import events_of_grant

    grants = {grant.pk: grant for grant in NewDataGrant.objects.all()}
    assert set(grants) == {matched.pk, legacy.pk}
    kept = grants[matched.pk]
    assert (kept.project_id, kept.legacy_project) == (project.pk, "")
    assert kept.project_name == "Baromètre du bruit nocturne"
    assert kept.holder_id == lead.pk
    assert sorted(kept.datasets.values_list("slug", flat=True)) == [
        "pedestrian-flows",
        "sound-levels",
    ]
    old_one = grants[legacy.pk]
    assert (old_one.project_id, old_one.legacy_project) == (
        None,
        "Un projet d'avant l'appel",
    )
    assert (old_one.revoke_reason, old_one.revoked_at) == ("Fin", legacy.revoked_at)
    assert list(old_one.datasets.values_list("slug", flat=True)) == ["sound-levels"]
    new_key = NewApiKey.objects.get()
    assert (new_key.pk, new_key.grant_id, new_key.prefix, new_key.digest) == (
        key.pk,
        matched.pk,
        "0a1b2c3d",
        "d" * 64,
    )
    assert list(NewApiKeyUsage.objects.values_list("key_id", "day", "requests")) == [
        (key.pk, datetime.date(2026, 11, 20), 42)
    ]
    # The audit trail follows the model to its new app.
    assert [event.verb for event in events_of_grant(kept)] == ["data_grant.created"]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {
        "access_datagrant",
        "access_datagrant_datasets",
        "access_apikey",
        "access_apikeyusage",
    } <= tables
    assert not {"datasets_datagrant", "datasets_apikey"} & tables
