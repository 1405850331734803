"""The portal's own conflict detection, and the organiser's check."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.enums import ApplicationState, CallPhase
from applications.jury.enums import ConflictSource, ConflictStatus
from applications.jury.models import Conflict
from applications.jury.services.conflicts import (
    ConflictError,
    confirm_conflict,
    detect_conflicts,
    dismiss_conflict,
    normalise_organisation,
)
from applications.services import mark_admissible
from portal.audit.models import AuditEvent
from tests.applications.factories import UserFactory

from .factories_membership import add_team_member, closed_call, deposited, make_juror

S = ApplicationState
SRC = ConflictSource
pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return closed_call(phase=CallPhase.ADMISSIBILITY, slug="ami-conflits")


def found(call):
    return sorted(
        (c.membership.user.email, c.application.reference, c.source, c.detail, c.status)
        for c in Conflict.objects.filter(membership__call=call).select_related(
            "membership__user", "application"
        )
    )


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Upciti S.A.S.", "upciti"),
        ("UPCITI", "upciti"),
        ("Élan Énergie SARL", "elan energie"),
        ("ELAN ENERGIE", "elan energie"),
        ("Association Les Amis du Square", "les amis du square"),
        ("Les amis du square (asso)", "les amis du square"),
        ("Coop Lumière SCOP", "coop lumiere"),
        ("Parking Services SASU", "parking services"),
        ("Groupement Batignolles GIE", "groupement batignolles"),
        ("Bati Conseil EURL", "bati conseil"),
        ("Mairie du 17e", "mairie du 17e"),
    ],
)
def test_normalise_organisation(name, normalised):
    assert normalise_organisation(name) == normalised


def test_same_organisation_with_suffix_and_accents(call):
    juror = make_juror(
        call, email="anne@expert.example", organisation="Élan Énergie SARL"
    )
    application = deposited(
        call,
        organisation_name="ELAN ENERGIE",
        reference="AMI-0001",
        lead_email="x@y.example",
    )
    created = detect_conflicts(call)
    assert found(call) == [
        (
            "anne@expert.example",
            "AMI-0001",
            SRC.SAME_ORGANISATION,
            "Élan Énergie SARL = ELAN ENERGIE",
            ConflictStatus.PENDING,
        )
    ]
    assert [c.membership for c in created] == [juror]
    assert [c.application for c in created] == [application]
    event = AuditEvent.objects.get(verb="jury.conflicts_detected")
    assert event.data == {
        "conflicts": [
            {
                "juror": "anne@expert.example",
                "application": "AMI-0001",
                "source": "same_organisation",
            }
        ]
    }


def test_different_organisations_no_conflict(call):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    deposited(call, organisation_name="Upcitizen Lab", lead_email="x@y.example")
    assert detect_conflicts(call) == []
    assert found(call) == []


def test_same_email_domain(call):
    make_juror(call, email="thomas@upciti.com", organisation="")
    application = deposited(
        call,
        organisation_name="Rue Vivante",
        reference="AMI-0002",
        lead_email="lead@rue.example",
    )
    add_team_member(application, UserFactory(email="lea@UPCITI.com"))
    detect_conflicts(call)
    assert found(call) == [
        (
            "thomas@upciti.com",
            "AMI-0002",
            SRC.SAME_EMAIL_DOMAIN,
            "upciti.com: lea@upciti.com",
            ConflictStatus.PENDING,
        )
    ]


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "yahoo.fr",
        "orange.fr",
        "free.fr",
        "hotmail.fr",
        "outlook.com",
        "laposte.net",
        "protonmail.com",
    ],
)
def test_webmail_domain_ignored(call, domain):
    make_juror(call, email=f"juror@{domain}")
    application = deposited(
        call, organisation_name="Rue Vivante", lead_email=f"lead@{domain}"
    )
    add_team_member(application, UserFactory(email=f"other@{domain}"))
    assert detect_conflicts(call) == []


def test_juror_in_the_team(call):
    membership = make_juror(call, email="jp@habitants.example")
    application = deposited(
        call,
        organisation_name="Rue Vivante",
        reference="AMI-0003",
        lead_email="l@rue.example",
    )
    add_team_member(application, membership.user)
    detect_conflicts(call)
    [(email, reference, source, detail, status)] = found(call)
    assert (email, reference, source, status) == (
        "jp@habitants.example",
        "AMI-0003",
        SRC.TEAM_MEMBER,
        ConflictStatus.PENDING,
    )
    assert detail.startswith("jp@habitants.example: ")


def test_partner_named_in_the_application(call):
    make_juror(call, email="t@sensors.example", organisation="UpCiti SAS")
    deposited(
        call,
        organisation_name="Rue Vivante",
        reference="AMI-0004",
        lead_email="l@rue.example",
        problem="Nous travaillons avec Upciti, qui fournit les capteurs.",
    )
    deposited(
        call,
        organisation_name="Autre",
        reference="AMI-0005",
        lead_email="m@autre.example",
        problem="Un service Upcitizen pour les habitants.",
    )
    detect_conflicts(call)
    [(email, reference, source, detail, status)] = found(call)
    assert (email, reference, source, status) == (
        "t@sensors.example",
        "AMI-0004",
        SRC.NAMED_PARTNER,
        ConflictStatus.PENDING,
    )
    assert detail.startswith("UpCiti SAS: ")


def test_detection_is_idempotent_and_keeps_dismissals(call, organiser):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    deposited(call, organisation_name="UPCITI SA", lead_email="x@y.example")
    [conflict] = detect_conflicts(call)
    dismiss_conflict(conflict, reason="Another branch of the company.", actor=organiser)

    assert detect_conflicts(call) == []
    conflict.refresh_from_db()
    assert Conflict.objects.count() == 1
    assert conflict.status == ConflictStatus.DISMISSED


def test_detection_ignores_drafts_withdrawn_and_inadmissible(call):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    for state in (S.DRAFT, S.WITHDRAWN, S.INADMISSIBLE):
        deposited(call, organisation_name="Upciti", state=state)
    assert detect_conflicts(call) == []


def test_marking_admissible_runs_the_detection(call, organiser):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    application = deposited(call, organisation_name="Upciti", state=S.INADMISSIBLE)
    mark_admissible(application, actor=organiser)
    assert [c.source for c in Conflict.objects.all()] == [SRC.SAME_ORGANISATION]


def test_confirm_and_dismiss_require_a_reason(call, organiser):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    deposited(call, organisation_name="Upciti", lead_email="x@y.example")
    [conflict] = detect_conflicts(call)
    with pytest.raises(ConflictError) as error:
        confirm_conflict(conflict, reason="  ", actor=organiser)
    assert error.value.code == "reason_required"

    confirm_conflict(conflict, reason="Same company.", actor=organiser)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolution_reason, conflict.resolved_by) == (
        ConflictStatus.CONFIRMED,
        "Same company.",
        organiser,
    )
    event = AuditEvent.objects.get(verb="jury.conflict_confirmed")
    assert (event.before, event.after) == (
        {"status": "pending"},
        {"status": "confirmed", "reason": "Same company."},
    )
    with pytest.raises(ConflictError):
        confirm_conflict(conflict, reason="Again.", actor=organiser)


def test_conflicts_page_confirm_and_dismiss(organiser_client, call):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    deposited(
        call, organisation_name="Upciti", reference="AMI-0009", lead_email="x@y.example"
    )
    [conflict] = detect_conflicts(call)
    url = reverse(
        "jury_bo:resolve_conflict", kwargs={"slug": call.slug, "pk": conflict.pk}
    )

    refused = organiser_client.post(url, {"action": "dismiss", "reason": ""})
    assert refused.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.PENDING

    organiser_client.post(url, {"action": "dismiss", "reason": "Homonyme."})
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolution_reason) == (
        ConflictStatus.DISMISSED,
        "Homonyme.",
    )
    assert AuditEvent.objects.filter(verb="jury.conflict_dismissed").count() == 1

    hostile = organiser_client.post(url, {"action": "<drop>", "reason": "x"})
    assert hostile.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.DISMISSED


def test_conflicts_page_filters_by_status(organiser_client, call, organiser):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    deposited(
        call, organisation_name="Upciti", reference="AMI-0010", lead_email="x@y.example"
    )
    deposited(
        call, organisation_name="UPCITI", reference="AMI-0011", lead_email="z@w.example"
    )
    first, _second = sorted(
        detect_conflicts(call), key=lambda c: c.application.reference
    )
    dismiss_conflict(first, reason="Homonyme.", actor=organiser)
    url = reverse("jury_bo:conflicts", kwargs={"slug": call.slug})

    page = organiser_client.get(url, {"status": "pending"}).content.decode()
    assert ("AMI-0010" in page, "AMI-0011" in page) == (False, True)
    page = organiser_client.get(url, {"status": "dismissed"}).content.decode()
    assert ("AMI-0010" in page, "AMI-0011" in page) == (True, False)
    page = organiser_client.get(url).content.decode()
    assert ("AMI-0010" in page, "AMI-0011" in page) == (True, True)
    assert organiser_client.get(url, {"status": "bogus"}).status_code == 200


def test_conflicts_page_lists_declarations(organiser_client, call):
    membership = make_juror(call, email="anne@expert.example", organisation="Upciti")
    membership.conflict_statement = "Ancienne associée de Rue Vivante."
    membership.save(update_fields=["conflict_statement"])
    make_juror(call, email="late@cci.example", declared=False)
    with translation.override("en"):
        url = reverse("jury_bo:conflicts", kwargs={"slug": call.slug})
    page = organiser_client.get(url).content.decode()
    assert "Ancienne associée de Rue Vivante." in page
    assert "anne@expert.example" in page
    assert "late@cci.example" in page
    assert "Not yet" in page


def test_other_calls_conflict_answers_404(organiser_client, call):
    other = closed_call()
    make_juror(other, email="anne@expert.example", organisation="Upciti")
    deposited(other, organisation_name="Upciti", lead_email="x@y.example")
    [conflict] = detect_conflicts(other)
    response = organiser_client.post(
        reverse(
            "jury_bo:resolve_conflict", kwargs={"slug": call.slug, "pk": conflict.pk}
        ),
        {"action": "dismiss", "reason": "x"},
    )
    assert response.status_code == 404


def test_detect_again_from_the_conflicts_page(organiser_client, call):
    make_juror(call, email="anne@expert.example", organisation="Upciti")
    deposited(call, organisation_name="Upciti", lead_email="x@y.example")
    with translation.override("en"):
        url = reverse("jury_bo:detect_conflicts", kwargs={"slug": call.slug})
    response = organiser_client.post(url, follow=True)
    assert "Detection done: 1 new conflict to check." in response.content.decode()
    response = organiser_client.post(url, follow=True)
    assert "Detection done: 0 new conflicts to check." in response.content.decode()
    assert Conflict.objects.count() == 1
