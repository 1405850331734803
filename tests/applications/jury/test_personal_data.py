"""A juror's personal data: exported with the account, erased as promised."""

import datetime

import pytest

from applications.jury.models import (
    Criterion,
    JuryInvitation,
    JuryMembership,
    Score,
    ScoreSheet,
)
from portal.accounts.services import erase_user, export_personal_data

from .factories_scoring import (
    assign,
    conflict,
    declared_juror,
    deposited_application,
    review_call,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def juror_with_a_sheet():
    call = review_call(slug="ami-2026")
    membership = declared_juror(
        call,
        email="jeanne@upciti.example",
        conflict_statement="Mon conjoint travaille chez PayByPhone.",
        themes=["mobility"],
    )
    scored = deposited_application(call, reference="AMI-2026-001")
    declined = deposited_application(call, reference="AMI-2026-002")
    conflict(membership, declined)
    sheet = ScoreSheet.objects.create(
        assignment=assign(membership, scored),
        grid=call.grids.get(),
        overall_comment="Solide.",
        submitted_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
    )
    Score.objects.create(
        sheet=sheet,
        criterion=Criterion.objects.get(key="usefulness"),
        value=4,
        comment="Utile aux commerçants.",
    )
    JuryInvitation.objects.create(
        call=review_call(slug="ami-2027"), email=membership.user.email
    )
    return membership


def test_export_holds_the_declaration_and_the_sheets_written(juror_with_a_sheet):
    exported = export_personal_data(juror_with_a_sheet.user)["jury"]

    assert exported == [
        {
            "call": "ami-2026",
            "organisation": "Paris&Co",
            "other_interests": "Mon conjoint travaille chez PayByPhone.",
            "themes": ["mobility"],
            "declared_at": juror_with_a_sheet.declared_at.isoformat(),
            "conflicts_declared": ["AMI-2026-002"],
            "score_sheets": [
                {
                    "application": "AMI-2026-001",
                    "submitted_at": "2026-03-02T10:00:00+00:00",
                    "overall_comment": "Solide.",
                    "scores": [
                        {
                            "criterion": "usefulness",
                            "value": 4,
                            "not_applicable": False,
                            "comment": "Utile aux commerçants.",
                        }
                    ],
                }
            ],
        }
    ]


def test_erasure_blanks_the_free_text_and_withdraws_open_invitations(
    juror_with_a_sheet,
):
    erase_user(juror_with_a_sheet.user, actor=juror_with_a_sheet.user)

    membership = JuryMembership.objects.get()
    assert membership.conflict_statement == ""
    assert not JuryInvitation.objects.exists()
    # The record of how the call was decided stays, naming no one.
    assert ScoreSheet.objects.get().overall_comment == "Solide."
    assert membership.user.email == f"erased-{membership.user.pk}@invalid.example"
