"""Who may do what with workshops: predicates ``(user[, obj]) -> bool``."""

import rules

from portal.accounts.permissions import (
    has_verified_email,
    is_authenticated,
    is_organiser,
)

from .enums import WorkshopState


@rules.predicate
def can_see_workshop(user, workshop):
    return workshop.state != WorkshopState.DRAFT or is_organiser(user)


@rules.predicate
def owns_registration(user, registration):
    return is_authenticated(user) and registration.user_id == user.pk


@rules.predicate
def is_team_member_of(user, project):
    return (
        is_authenticated(user)
        and project.application.team.filter(user_id=user.pk).exists()
    )


can_register = is_authenticated & has_verified_email
can_cancel_registration = owns_registration | is_organiser
can_manage_workshops = is_organiser
can_answer_invitation = is_team_member_of

rules.add_perm("workshops.manage", is_organiser)
