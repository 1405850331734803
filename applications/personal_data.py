"""The applications' share of a user's personal data: export and erasure (RGPD).

Called by ``portal.accounts.services.export_personal_data`` and ``erase_user``.
"""

from django.db import transaction
from django.db.models import Q

from portal.accounts.redaction import identifiers_of, mentions, redact

from .enums import ApplicationState, TeamRole
from .models import SentEmail, Submission, TeamInvitation, TeamMember


def export_for(user):
    """Return ``{"applications": [...]}``: every application ``user`` is in."""
    memberships = (
        TeamMember.objects.filter(user=user)
        .select_related("application__call")
        .prefetch_related("application__submissions")
        .order_by("application__created_at")
    )
    applications = []
    for member in memberships:
        application = member.application
        applications.append(
            {
                "reference": application.reference,
                "call": application.call.slug,
                "state": application.state,
                "role": member.role,
                "role_in_project": member.job_title,
                "joined_at": member.joined_at.isoformat(),
                "title": application.title,
                "organisation_name": application.organisation_name,
                "created_by_you": application.created_by_id == user.pk,
                "submissions": [
                    {
                        "number": submission.number,
                        "submitted_at": submission.submitted_at.isoformat(),
                        "sha256": submission.sha256,
                        "submitted_by_you": submission.submitted_by_id == user.pk,
                    }
                    for submission in application.submissions.all()
                ],
            }
        )
    invitations = TeamInvitation.objects.filter(email__iexact=user.email).order_by(
        "created_at"
    )
    return {
        "applications": applications,
        "team_invitations": [
            {
                "application": invitation.application.reference,
                "email": invitation.email,
                "sent_at": invitation.created_at.isoformat(),
                "accepted_at": invitation.accepted_at.isoformat()
                if invitation.accepted_at
                else None,
            }
            for invitation in invitations.select_related("application")
        ],
    }


def _erased_email(user):
    return f"erased-{user.pk}@invalid.example"


def erase_for(user):
    """Remove ``user`` from the teams of drafts and anonymise the rest.

    A draft loses the user; if they led it, the next member leads, and a draft
    left without anyone is deleted with its attachments. Submitted applications
    are kept for the call's record, with the user's name and address removed
    from the frozen submissions (their stored PDF deleted) and the emails log.
    Invitations to the user's address are deleted. (An anonymised submission
    no longer matches its fingerprint: the receipt the team holds still proves
    what was sent.)
    """
    email = user.email.lower()
    erased = _erased_email(user)
    with transaction.atomic():
        drafts = TeamMember.objects.filter(
            user=user, application__state=ApplicationState.DRAFT
        ).select_related("application")
        for member in drafts:
            application = member.application
            was_lead = member.role == TeamRole.LEAD
            member.delete()
            remaining = application.team.order_by("joined_at", "pk")
            if not remaining.exists():
                files = [
                    (item.file.storage, item.file.name)
                    for item in application.attachments.all()
                ] + [
                    (item.pdf.storage, item.pdf.name)
                    for item in application.submissions.exclude(pdf="")
                ]
                application.delete()
                for storage, name in files:
                    transaction.on_commit(
                        lambda storage=storage, name=name: storage.delete(name)
                    )
            elif was_lead:
                successor = remaining.first()
                successor.role = TeamRole.LEAD
                successor.save(update_fields=["role"])
        TeamInvitation.objects.filter(email__iexact=email).delete()
        submissions = Submission.objects.filter(application__team__user=user).distinct()
        for submission in submissions:
            changed = False
            for entry in submission.content.get("team", []):
                if (entry.get("email") or "").lower() == email:
                    entry["email"] = erased
                    entry["name"] = ""
                    changed = True
            if changed:
                # Its stored PDF shows the name and address: deleted with them,
                # rendered again from the anonymised content when needed.
                if submission.pdf:
                    storage, name = submission.pdf.storage, submission.pdf.name
                    transaction.on_commit(
                        lambda storage=storage, name=name: storage.delete(name)
                    )
                    submission.pdf = ""
                submission.save(update_fields=["content", "pdf"])
        # The sent-email log: the person's entries among the recipients
        # (an address, or "Name <address>") and the texts that name them.
        identifiers = identifiers_of(user)
        mention = Q()
        for identifier in identifiers:
            mention |= Q(to__icontains=identifier) | Q(body__icontains=identifier)
            mention |= Q(subject__icontains=identifier)
        logged = SentEmail.objects.filter(mention) if identifiers else []
        for sent in logged:
            sent.to = [
                erased if mentions(address, identifiers) else address
                for address in sent.to
            ]
            sent.subject = redact(sent.subject, identifiers)
            if mentions(sent.body, identifiers):
                sent.body = ""
            sent.save(update_fields=["to", "subject", "body"])
