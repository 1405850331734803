"""The dashboard's predicates as a truth table, and the partner role's life."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from applications.jury.models import JuryMembership
from portal.accounts.models import OrganiserRole, PartnerRole
from portal.accounts.permissions import has_backoffice_role
from portal.accounts.services import (
    erase_user,
    export_personal_data,
    grant_partner_role,
    purge_inactive_accounts,
)
from portal.audit.models import AuditEvent
from portal.dashboard.permissions import (
    can_manage_partners,
    can_request_report,
    can_view_dashboard,
)
from tests.applications.factories import CallFactory
from tests.conftest import make_user


def _person(role):
    if role == "anonymous":
        return AnonymousUser()
    person = make_user(f"{role}@example.org")
    if role == "organiser":
        OrganiserRole.objects.create(user=person)
    elif role == "partner":
        PartnerRole.objects.create(user=person, organisation="Cielis")
    elif role == "juror":
        JuryMembership.objects.create(call=CallFactory(), user=person)
    return person


@pytest.mark.parametrize(
    ("role", "view", "request_report", "manage", "backoffice"),
    [
        ("anonymous", False, False, False, False),
        ("resident", False, False, False, False),
        ("juror", False, False, False, True),
        ("partner", True, False, False, True),
        ("organiser", True, True, True, True),
    ],
)
def test_dashboard_predicates(db, role, view, request_report, manage, backoffice):
    person = _person(role)

    assert (
        can_view_dashboard(person),
        can_request_report(person),
        can_manage_partners(person),
        has_backoffice_role(person),
    ) == (view, request_report, manage, backoffice)


def test_granting_a_partner_twice_keeps_one_role_and_one_event(organiser):
    person = make_user("paul@cci.example")

    first = grant_partner_role(person, organisation="CCI", actor=organiser)
    second = grant_partner_role(person, organisation="Autre", actor=organiser)

    assert first.pk == second.pk
    assert PartnerRole.objects.get().organisation == "CCI"
    assert AuditEvent.objects.filter(verb="partner.granted").count() == 1


def test_a_partners_role_is_exported_and_erased_with_the_account(organiser):
    person = make_user("paul@cci.example")
    grant_partner_role(person, organisation="CCI", actor=organiser)

    assert export_personal_data(person)["account"]["partner"] is True
    erase_user(person, actor=organiser)

    assert PartnerRole.objects.count() == 0


def test_an_inactive_partner_keeps_the_account_while_holding_the_role(organiser):
    long_ago = timezone.now() - datetime.timedelta(days=4 * 365)
    person = make_user("paul@cci.example", date_joined=long_ago)
    grant_partner_role(person, organisation="CCI", actor=organiser)

    purge_inactive_accounts()

    person.refresh_from_db()
    assert person.is_active is True
