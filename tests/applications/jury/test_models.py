"""JuryMembership in its own app: the rows made while it lived in applications."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applications.jury.models import JuryMembership
from portal.audit.models import AuditEvent
from tests.applications.factories import CallFactory, UserFactory

BEFORE_THE_MOVE = [("applications", "0003_project"), ("jury", None)]


@pytest.mark.django_db(transaction=True)
def test_membership_made_before_the_move_survives_it():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    try:
        old, call_id, juror_id, event = _membership_the_old_way(executor)
    finally:
        # Whatever happens, the database goes back to the latest schema.
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    ContentType.objects.clear_cache()

    membership = JuryMembership.objects.get(pk=old.pk)
    assert (membership.call_id, membership.user_id, membership.organisation) == (
        call_id,
        juror_id,
        "Paris&Co",
    )
    assert list(membership.user.jury_memberships.all()) == [membership]
    assert list(membership.call.jury.all()) == [membership]
    event.refresh_from_db()
    assert event.target == membership
    assert list(AuditEvent.objects.for_object(membership)) == [event]
    assert not ContentType.objects.filter(
        app_label="applications", model="jurymembership"
    ).exists()


def _membership_the_old_way(executor):
    """Rows written with the models as they were before the move."""
    old_apps = executor.loader.project_state(BEFORE_THE_MOVE[:1]).apps
    charter = old_apps.get_model("applications", "DataCharter").objects.create(
        version="2025-1", text_fr="Texte", published_on=datetime.date(2025, 7, 1)
    )
    now = timezone.now()
    call = old_apps.get_model("applications", "Call").objects.create(
        slug="ami-2025",
        title_fr="AMI 2025",
        summary_fr="Résumé",
        text_fr="Texte",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        charter=charter,
    )
    juror = old_apps.get_model("accounts", "User").objects.create(
        email="karim.benali@parisandco.example"
    )
    old = old_apps.get_model("applications", "JuryMembership").objects.create(
        call_id=call.pk, user_id=juror.pk, organisation="Paris&Co"
    )
    # The content type as it was: named after the applications app.
    ContentType.objects.filter(app_label="jury").delete()
    old_type, _created = ContentType.objects.get_or_create(
        app_label="applications", model="jurymembership"
    )
    event = AuditEvent.objects.create(
        verb="jury.member_added", target_type=old_type, target_id=str(old.pk)
    )
    ContentType.objects.clear_cache()
    return old, call.pk, juror.pk, event


@pytest.mark.django_db
def test_membership_once_per_call_and_user():
    call = CallFactory()
    juror = UserFactory()
    JuryMembership.objects.create(call=call, user=juror)

    with pytest.raises(IntegrityError):
        JuryMembership.objects.create(call=call, user=juror, organisation="CCI")
