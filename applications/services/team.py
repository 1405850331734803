"""Creating an application and changing its team (invitations, members)."""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.permissions import has_verified_address
from portal.audit.services import record_event

from ..enums import DECISION_STATES, ApplicantType, ApplicationState, TeamRole
from ..models import Application, TeamInvitation, TeamMember
from .base import ApplicationStateError, NotEligibleError, TeamError, _lock
from .drafts import deadline_passed_error
from .emails import queue_invitation_email

# --- Eligibility and creation -----------------------------------------------


def eligibility_problems(call, *, applicant_type, uses_dataset, in_perimeter):
    """Return the reasons (translated strings) an applicant may not apply."""
    reasons = []
    if applicant_type not in (call.eligible_types or []):
        eligible = ", ".join(
            str(ApplicantType(value).label)
            for value in call.eligible_types or []
            if value in ApplicantType.values
        )
        reasons.append(
            _("This call is open to the following applicant types only: %(types)s.")
            % {"types": eligible}
        )
    if not uses_dataset:
        reasons.append(
            _("A project must use at least one of the OpenBatignolles datasets.")
        )
    if not in_perimeter:
        reasons.append(
            _(
                "A project must serve the Batignolles neighbourhood, where the "
                "sensors are."
            )
        )
    return reasons


def _reference_prefix(call):
    return re.sub(r"[^A-Z0-9]", "", call.slug.upper())[:12] or "APP"


def create_application(
    call, *, actor, applicant_type, uses_dataset, in_perimeter, now=None
):
    """Create a draft application to ``call`` with ``actor`` as the team lead.

    Checks the eligibility answers (``NotEligibleError`` with the reasons) and
    that the call is open (``DeadlinePassedError``). Numbers the reference
    within the call (``AMI2-0042``) under a lock on the call. Audited as
    ``application.created``.
    """
    now = now or timezone.now()
    reasons = eligibility_problems(
        call,
        applicant_type=applicant_type,
        uses_dataset=uses_dataset,
        in_perimeter=in_perimeter,
    )
    if reasons:
        raise NotEligibleError(reasons)
    if not call.is_open_at(now):
        raise deadline_passed_error(call)
    with transaction.atomic():
        # Numbering under a lock on the call keeps references unique.
        type(call).objects.select_for_update().get(pk=call.pk)
        prefix = _reference_prefix(call)
        number = Application.objects.filter(call=call).count() + 1
        while Application.objects.filter(reference=f"{prefix}-{number:04d}").exists():
            number += 1
        application = Application.objects.create(
            call=call,
            reference=f"{prefix}-{number:04d}",
            applicant_type=applicant_type,
            created_by=actor,
            updated_by=actor,
        )
        TeamMember.objects.create(
            application=application, user=actor, role=TeamRole.LEAD
        )
        record_event(
            "application.created",
            actor=actor,
            target=application,
            after={"state": application.state, "reference": application.reference},
        )
    return application


# --- Team -------------------------------------------------------------------


def invite_member(application, *, actor, email):
    """Invite ``email`` to join the team and queue the invitation email.

    The email goes through the outbox and is sent after commit. Raises
    ``TeamError`` when the person is already in the team or invited. Audited
    as ``application.member_invited``.
    """
    email = email.strip().lower()
    with transaction.atomic():
        locked = _lock(application)
        if locked.state in (
            ApplicationState.WITHDRAWN,
            *DECISION_STATES,
        ):
            raise ApplicationStateError(
                _("This application can no longer change its team."),
                code="team_closed",
            )
        if locked.team.filter(user__email__iexact=email).exists():
            raise TeamError(
                _("%(email)s is already in the team.") % {"email": email},
                code="already_member",
            )
        pending = locked.invitations.filter(
            email__iexact=email, accepted_at=None, revoked_at=None
        )
        if pending.exists():
            raise TeamError(
                _("%(email)s has already been invited.") % {"email": email},
                code="already_invited",
            )
        invitation = TeamInvitation.objects.create(
            application=locked, email=email, invited_by=actor
        )
        record_event(
            "application.member_invited",
            actor=actor,
            target=locked,
            data={"email": email},
        )
        queue_invitation_email(invitation)
    return invitation


def accept_invitation(invitation, *, user):
    """Add ``user`` to the invitation's team (the invited address must be theirs).

    Raises ``TeamError`` when the invitation was used or revoked, or was sent to
    an address the user has not verified. Audited as
    ``application.member_joined``.
    """
    with transaction.atomic():
        invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.revoked_at or invitation.accepted_at:
            raise TeamError(
                _("This invitation is no longer valid."), code="invitation_used"
            )
        if not has_verified_address(user, invitation.email):
            raise TeamError(
                _(
                    "This invitation was sent to %(email)s. Log in with that "
                    "address (or add and verify it on your account) to accept it."
                )
                % {"email": invitation.email},
                code="wrong_address",
            )
        member, _created = TeamMember.objects.get_or_create(
            application=invitation.application,
            user=user,
            defaults={"role": TeamRole.MEMBER},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record_event(
            "application.member_joined",
            actor=user,
            target=invitation.application,
            data={"email": invitation.email},
        )
    return member


def remove_member(member, *, actor):
    """Remove a co-applicant from the team (never the lead).

    Raises ``TeamError`` for the lead. Audited as ``application.member_removed``.
    """
    if member.role == TeamRole.LEAD:
        raise TeamError(_("The lead cannot be removed from the team."), code="lead")
    with transaction.atomic():
        _lock(member.application)
        email = member.user.email
        member.delete()
        record_event(
            "application.member_removed",
            actor=actor,
            target=member.application,
            data={"email": email},
        )


def revoke_invitation(invitation, *, actor):
    """Revoke a pending invitation. Audited as ``application.invitation_revoked``."""
    with transaction.atomic():
        if invitation.accepted_at or invitation.revoked_at:
            return invitation
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_event(
            "application.invitation_revoked",
            actor=actor,
            target=invitation.application,
            data={"email": invitation.email},
        )
    return invitation
