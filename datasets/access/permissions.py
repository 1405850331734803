"""Who may do what with data access: predicates ``(user, obj) -> bool``.

A grant's keys are managed by its holder alone; organisers grant, change and
revoke access (``portal.accounts.permissions.organiser_required`` guards the
back office). A grant or key outside the user's reach answers 404: the
selectors ``grant_of_holder`` and ``key_of_holder`` narrow by holder first.
"""

import rules
from django.utils import timezone

from portal.accounts.permissions import is_authenticated, is_organiser


@rules.predicate
def is_grant_holder(user, grant):
    """The grant's holder, or a member of its Project's team."""
    if not is_authenticated(user) or grant is None:
        return False
    if grant.holder_id == user.pk:
        return True
    return grant.project_id is not None and is_project_team_member(
        user, grant.project
    )


@rules.predicate
def is_grant_active(user, grant):
    return grant is not None and grant.is_active(timezone.now())


@rules.predicate
def is_project_team_member(user, project):
    """A member of ``project``'s team (the application's team)."""
    if not is_authenticated(user) or project is None:
        return False
    return project.application.team.filter(user=user).exists()


def project_has_signed_charter_in_force(project):
    """Whether ``project`` signed the data charter in force (before any key)."""
    from .charter import project_has_signed_charter_in_force as signed

    return signed(project)


@rules.predicate
def is_key_holder(user, key):
    """The holder of the key's grant, or a member of its Project's team."""
    if not is_authenticated(user) or key is None:
        return False
    return is_grant_holder(user, key.grant)


# Issue a key on a grant: its holder or its Project's team, while it runs.
can_issue_key = is_grant_holder & is_grant_active
# Rotate or revoke a key: the holder of its grant or its Project's team.
can_manage_key = is_key_holder
# Sign the data charter for a Project: a member of its team.
can_sign_charter = is_project_team_member
# Grant, change or revoke access: an organiser.
can_grant_access = is_organiser
