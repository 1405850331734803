"""Who may see and change an application: predicates ``(user, application)``.

An application outside the user's reach answers 404; a visible application
the user may not change answers 403.
"""

import rules

from portal.accounts.permissions import (
    has_verified_email,
    is_authenticated,
    is_organiser,
)

from .enums import ApplicationState, TeamRole


def _team(application):
    """The team as {user_id: role}, cached on the instance for the request."""
    cached = getattr(application, "_team_roles", None)
    if cached is None:
        cached = dict(application.team.values_list("user_id", "role"))
        application._team_roles = cached
    return cached


@rules.predicate
def is_team_member(user, application):
    if not is_authenticated(user) or application is None:
        return False
    return user.pk in _team(application)


@rules.predicate
def is_team_lead(user, application):
    if not is_authenticated(user) or application is None:
        return False
    return _team(application).get(user.pk) == TeamRole.LEAD


@rules.predicate
def is_editable_state(user, application):
    return application is not None and application.state in (
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
    )


# Jurors read applications only through the jury's pages (applications.jury):
# assigned to them, never a conflicted one, in the version deposited at the
# deadline. A seat on the jury opens no applicant page.
can_view_application = is_team_member | is_organiser
can_edit_application = is_team_member & has_verified_email & is_editable_state
can_manage_team = is_team_lead & has_verified_email
can_withdraw_application = is_team_member & has_verified_email
