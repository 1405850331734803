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

NOT_FOR_JURY = (ApplicationState.DRAFT, ApplicationState.WITHDRAWN)


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
def is_call_juror(user, application):
    """A jury member of the application's call, once it has been submitted."""
    if not is_authenticated(user) or application is None:
        return False
    if application.state in NOT_FOR_JURY:
        return False
    return user.jury_memberships.filter(call_id=application.call_id).exists()


@rules.predicate
def is_editable_state(user, application):
    return application is not None and application.state in (
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
    )


can_view_application = is_team_member | is_organiser | is_call_juror
can_edit_application = is_team_member & has_verified_email & is_editable_state
can_manage_team = is_team_lead & has_verified_email
can_withdraw_application = is_team_member & has_verified_email
