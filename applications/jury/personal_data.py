"""Personal data held by the jury: a juror's seats, declarations and sheets.

``export_for(user)`` and ``erase_for(user)`` serve the portal's GDPR export and
erasure (the accounts app calls them).
"""

from django.db import transaction

from .models import JuryInvitation, JuryMembership, ScoreSheet


def export_for(user):
    """Return ``user``'s seats on juries as plain data: ``{"jury": [...]}``,
    each with the declaration, the conflicts declared and the score sheets
    written (scores and comments)."""
    memberships = JuryMembership.objects.filter(user=user).select_related("call")
    sheets = (
        ScoreSheet.objects.filter(assignment__membership__user=user)
        .select_related("assignment__application")
        .prefetch_related("scores__criterion")
        .order_by("assignment__application__reference")
    )
    by_seat = {}
    for sheet in sheets:
        by_seat.setdefault(sheet.assignment.membership_id, []).append(
            {
                "application": sheet.assignment.application.reference,
                "submitted_at": _iso(sheet.submitted_at),
                "overall_comment": sheet.overall_comment,
                "scores": [
                    {
                        "criterion": score.criterion.key,
                        "value": score.value,
                        "not_applicable": score.not_applicable,
                        "comment": score.comment,
                    }
                    for score in sheet.scores.all()
                ],
            }
        )
    return {
        "jury": [
            {
                "call": membership.call.slug,
                "organisation": membership.organisation,
                "other_interests": membership.conflict_statement,
                "themes": membership.themes,
                "declared_at": _iso(membership.declared_at),
                "conflicts_declared": sorted(
                    membership.conflicts.filter(source="declared").values_list(
                        "application__reference", flat=True
                    )
                ),
                "score_sheets": by_seat.get(membership.pk, []),
            }
            for membership in memberships
        ]
    }


def _iso(value):
    return value.isoformat() if value else None


@transaction.atomic
def erase_for(user):
    """Blank what a juror wrote about themselves (the free-text interests),
    withdraw the invitations still open to their addresses and remove the
    address from the others; return how many seats were touched.

    The seats, conflicts, sheets and scores stay: they are the record of how a
    call was decided, and once the account is anonymised they name no one.
    """
    seats = JuryMembership.objects.filter(user=user).exclude(conflict_statement="")
    touched = seats.update(conflict_statement="")
    invitations = JuryInvitation.objects.filter(email__iexact=user.email)
    invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).delete()
    # Used or withdrawn ones stay (who joined the jury, when) without the address.
    invitations.update(email=f"erased-{user.pk}@invalid.example")
    return touched
