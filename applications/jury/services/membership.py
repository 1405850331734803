"""The jury of a call: invitations, seats, and each juror's declaration."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.permissions import has_verified_address
from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.services import queue_email

from ...enums import CallPhase, Theme
from ...models import Application
from ..enums import ConflictSource, ConflictStatus
from ..models import Conflict, JuryInvitation, JuryMembership, ScoreSheet
from .conflicts import CONCERNED_STATES, detect_conflicts


class MembershipError(ValidationError):
    """A change to the jury of a call that is not allowed."""


def invitation_url(invitation):
    """Return the absolute URL where ``invitation`` is accepted."""
    return settings.SITE_URL + reverse(
        "jury_invitation:accept", kwargs={"token": invitation.token}
    )


def _render_invitation(invitation, language):
    with translation.override(language):
        context = {"invitation": invitation, "call": invitation.call}
        subject = _("[OpenBatignolles] Invitation to the jury of “%(call)s”") % {
            "call": invitation.call.title
        }
        body = render_to_string(
            "jury/membership_invitation_email.txt",
            {**context, "url": invitation_url(invitation)},
        ).strip()
    return subject, body


def queue_jury_invitation_email(invitation):
    """Queue the invitation email of ``invitation`` in the outbox (once).

    In the invitee's language when they already have an account; otherwise in
    French with the English below. Outbox key ``jury-invitation:<id>``.
    """
    known = User.objects.filter(email__iexact=invitation.email).first()
    if known is not None and (known.language or "")[:2] in ("fr", "en"):
        language = known.language[:2]
        subject, body = _render_invitation(invitation, language)
    else:
        language = "fr"
        subject_fr, body_fr = _render_invitation(invitation, "fr")
        subject_en, body_en = _render_invitation(invitation, "en")
        subject = f"{subject_fr} / {subject_en.removeprefix('[OpenBatignolles] ')}"
        body = f"{body_fr}\n\n----------\n\n{body_en}"
    return queue_email(
        key=f"jury-invitation:{invitation.pk}",
        kind=EmailKind.JURY_INVITATION,
        to=invitation.email,
        subject=subject,
        body=body,
        language=language,
        about=invitation.call.slug,
    )


def invite_juror(call, *, email, organisation, actor):
    """Invite ``email`` to the jury of ``call`` and email the invitation.

    Raises ``MembershipError`` when the decisions are released, when the
    person already sits on the jury, or is already invited. Records
    ``jury.juror_invited``; the email goes through the outbox. Returns the
    invitation.
    """
    email = (email or "").strip().lower()
    organisation = (organisation or "").strip()
    with transaction.atomic():
        if call.phase == CallPhase.RELEASED:
            raise MembershipError(
                _("The decisions of this call are released: its jury is closed."),
                code="released",
            )
        if JuryMembership.objects.filter(call=call, user__email__iexact=email).exists():
            raise MembershipError(
                _("%(email)s already sits on this jury.") % {"email": email},
                code="already_member",
            )
        pending = JuryInvitation.objects.filter(
            call=call, email__iexact=email, revoked_at=None
        )
        if pending.exists():
            raise MembershipError(
                _("%(email)s has already been invited.") % {"email": email},
                code="already_invited",
            )
        invitation = JuryInvitation.objects.create(
            call=call, email=email, organisation=organisation, invited_by=actor
        )
        record_event(
            "jury.juror_invited",
            actor=actor,
            target=call,
            after={"email": email, "organisation": organisation},
        )
        queue_jury_invitation_email(invitation)
    return invitation


def accept_jury_invitation(invitation, *, user):
    """Give ``user`` their seat on the jury named by ``invitation``.

    The user must own the invited address, verified. Raises
    ``MembershipError`` when the invitation was withdrawn or already used, or
    was sent to another address. Records ``jury.invitation_accepted``. Returns
    the ``JuryMembership``.
    """
    with transaction.atomic():
        locked = JuryInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.revoked_at or locked.accepted_at:
            raise MembershipError(
                _("This invitation is no longer valid."), code="invitation_used"
            )
        if not has_verified_address(user, locked.email):
            raise MembershipError(
                _(
                    "This invitation was sent to %(email)s. Sign in with that "
                    "address (or add and verify it on your account) to accept it."
                )
                % {"email": locked.email},
                code="wrong_address",
            )
        membership, _created = JuryMembership.objects.get_or_create(
            call=locked.call,
            user=user,
            defaults={"organisation": locked.organisation},
        )
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        record_event(
            "jury.invitation_accepted",
            actor=user,
            target=locked.call,
            after={"email": locked.email},
        )
    invitation.accepted_at = locked.accepted_at
    return membership


def withdraw_jury_invitation(invitation, *, actor):
    """Withdraw an invitation not yet accepted (its link stops working).

    Raises ``MembershipError`` once accepted (remove the member instead).
    Records ``jury.invitation_withdrawn``.
    """
    with transaction.atomic():
        locked = JuryInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at:
            raise MembershipError(
                _("This invitation was accepted: remove the member instead."),
                code="accepted",
            )
        if locked.revoked_at:
            return invitation
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_event(
            "jury.invitation_withdrawn",
            actor=actor,
            target=locked.call,
            before={"email": locked.email},
        )
    invitation.revoked_at = locked.revoked_at
    return invitation


def remove_juror(membership, *, actor):
    """Take a juror off the jury of a call, with their assignments and conflicts.

    Refused (``MembershipError``) once they have started scoring: their
    sheets stay. Closes their accepted invitation so they can be invited
    again. Records ``jury.juror_removed``.
    """
    with transaction.atomic():
        locked = (
            JuryMembership.objects.select_for_update(of=("self",))
            .select_related("user", "call")
            .get(pk=membership.pk)
        )
        if ScoreSheet.objects.filter(assignment__membership=locked).exists():
            raise MembershipError(
                _("%(name)s has already scored: they stay on the jury.")
                % {"name": locked.user},
                code="has_scored",
            )
        JuryInvitation.objects.filter(
            call=locked.call, email__iexact=locked.user.email, revoked_at=None
        ).update(revoked_at=timezone.now())
        record_event(
            "jury.juror_removed",
            actor=actor,
            target=locked.call,
            before={
                "email": locked.user.email,
                "organisation": locked.organisation,
                "declared_at": locked.declared_at.isoformat()
                if locked.declared_at
                else None,
            },
        )
        locked.delete()


def declarable_applications(call):
    """The applications a juror of ``call`` may declare a conflict with."""
    return (
        Application.objects.filter(call=call, state__in=CONCERNED_STATES)
        .only("pk", "reference", "title", "organisation_name", "call_id")
        .order_by("organisation_name", "title", "pk")
    )


def declare_interests(
    membership, *, organisation, applications, statement, themes, actor
):
    """Record a juror's declaration of interests for the call of ``membership``.

    Saves their organisation, free text and preferred themes, sets
    ``declared_at``, makes a confirmed ``declared`` conflict with each
    application ticked (and removes those unticked since), then runs the
    detection for this juror. Raises ``MembershipError`` for an application
    outside the call or a theme that does not exist. Records
    ``jury.interests_declared``. Returns the membership.
    """
    themes = list(dict.fromkeys(themes or []))
    if any(theme not in Theme.values for theme in themes):
        raise MembershipError(_("Choose themes from the list."), code="theme")
    allowed = {a.pk: a for a in declarable_applications(membership.call)}
    chosen = {getattr(a, "pk", a) for a in applications or []}
    if chosen - set(allowed):
        raise MembershipError(
            _("Choose applications from the list of this call."), code="application"
        )
    with transaction.atomic():
        locked = JuryMembership.objects.select_for_update().get(pk=membership.pk)
        before = {
            "organisation": locked.organisation,
            "declared_at": locked.declared_at.isoformat()
            if locked.declared_at
            else None,
        }
        locked.organisation = (organisation or "").strip()[:200]
        locked.conflict_statement = (statement or "").strip()
        locked.themes = themes
        locked.declared_at = timezone.now()
        locked.save(
            update_fields=[
                "organisation",
                "conflict_statement",
                "themes",
                "declared_at",
            ]
        )
        declared = Conflict.objects.filter(
            membership=locked, source=ConflictSource.DECLARED
        )
        withdrawn = list(
            declared.exclude(application_id__in=chosen).values_list(
                "application__reference", flat=True
            )
        )
        declared.exclude(application_id__in=chosen).delete()
        already = set(declared.values_list("application_id", flat=True))
        for pk in sorted(chosen - already):
            Conflict.objects.create(
                membership=locked,
                application=allowed[pk],
                source=ConflictSource.DECLARED,
                status=ConflictStatus.CONFIRMED,
            )
        record_event(
            "jury.interests_declared",
            actor=actor,
            target=locked.call,
            before=before,
            after={
                "juror": locked.user.email,
                "organisation": locked.organisation,
                "statement": locked.conflict_statement,
                "themes": themes,
                "conflicts": sorted(allowed[pk].reference for pk in chosen),
                "withdrawn": sorted(withdrawn),
            },
        )
        detect_conflicts(locked.call, memberships=[locked], actor=actor)
    for field in ("organisation", "conflict_statement", "themes", "declared_at"):
        setattr(membership, field, getattr(locked, field))
    return membership
