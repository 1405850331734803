"""Project invitations: organisers invite Project teams in bulk (by wave
and/or theme); a team member answers yes or no for the team. Answering yes
registers that member on a project seat; the other members may register too.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ProjectState
from applications.models import Project
from applications.services.emails import active_team_users
from portal.audit.services import record_event

from ..enums import InvitationAnswer, WorkshopState
from ..models import ProjectInvitation
from . import emails
from .registration import RegistrationError, register


class InvitationError(RegistrationError):
    """An invitation or an answer that is not allowed."""


def projects_matching(*, call=None, theme=""):
    projects = Project.objects.filter(state=ProjectState.ACTIVE).select_related(
        "application"
    )
    if call is not None:
        projects = projects.filter(application__call=call)
    if theme:
        projects = projects.filter(application__themes__contains=[theme])
    return projects.order_by("name", "id")


def invite_projects(workshop, *, call=None, theme="", actor, now=None):
    """Invite every active Project of ``call`` and/or ``theme`` not invited yet;
    email each team. Returns the new invitations."""
    now = now or timezone.now()
    if workshop.state == WorkshopState.CANCELLED:
        raise InvitationError(_("This workshop is cancelled."))
    if call is None and not theme:
        raise InvitationError(_("Choose a wave, a theme, or both."))
    created = []
    with transaction.atomic():
        invited = set(
            ProjectInvitation.objects.filter(workshop=workshop).values_list(
                "project_id", flat=True
            )
        )
        for project in projects_matching(call=call, theme=theme):
            if project.pk in invited:
                continue
            try:
                with transaction.atomic():
                    invitation = ProjectInvitation.objects.create(
                        workshop=workshop, project=project, invited_at=now
                    )
            except IntegrityError:
                continue
            created.append(invitation)
            for user in active_team_users(project.application):
                emails.queue_invitation(invitation, user)
        record_event(
            "workshop.projects_invited",
            actor=actor,
            target=workshop,
            data={
                "call": call.slug if call is not None else "",
                "theme": theme,
                "count": len(created),
            },
        )
    return created


def answer_invitation(invitation, *, user, accept, now=None):
    """Record the team's answer; a yes registers ``user`` on a project seat
    (or on the waiting list). Returns the registration, or None."""
    now = now or timezone.now()
    if not invitation.project.application.team.filter(user=user).exists():
        raise InvitationError(_("You are not a member of the team of this project."))
    registration = None
    with transaction.atomic():
        invitation = ProjectInvitation.objects.select_for_update().get(pk=invitation.pk)
        before = invitation.answer
        invitation.answer = (
            InvitationAnswer.ACCEPTED if accept else InvitationAnswer.DECLINED
        )
        invitation.answered_by = user
        invitation.answered_at = now
        invitation.save(update_fields=["answer", "answered_by", "answered_at"])
        record_event(
            "workshop.invitation_answered",
            actor=user,
            target=invitation,
            before={"answer": before},
            after={"answer": invitation.answer},
            data={
                "workshop": invitation.workshop.slug,
                "project": invitation.project.slug,
            },
        )
        if accept:
            live = invitation.workshop.registrations.filter(
                user=user, state__in=("confirmed", "waitlisted")
            ).exists()
            if not live:
                registration = register(
                    invitation.workshop, user=user, project=invitation.project, now=now
                )
    return registration
