"""Who may run a workshop on the day and after it: predicates ``(user, obj)``.

Facilitators are not organisers: the pages they use live under
``/agenda/animation/<slug>/`` (outside the back office and its two-factor
middleware) and each checks ``can_run_workshop``.
"""

import rules

from applications.permissions import is_team_member
from portal.accounts.permissions import is_authenticated, is_organiser

from .enums import RegistrationState


@rules.predicate
def is_facilitator_of(user, workshop):
    """True when ``user`` is an active facilitator of ``workshop``."""
    if not is_authenticated(user) or workshop is None:
        return False
    cache = getattr(workshop, "_facilitator_ids", None)
    if cache is None:
        cache = set(
            workshop.facilitator_bookings.filter(active=True).values_list(
                "facilitator_id", flat=True
            )
        )
        workshop._facilitator_ids = cache
    return user.pk in cache


@rules.predicate
def is_confirmed_participant(user, workshop):
    """True when ``user`` holds a confirmed registration to ``workshop``."""
    if not is_authenticated(user) or workshop is None:
        return False
    return workshop.registrations.filter(
        user_id=user.pk, state=RegistrationState.CONFIRMED
    ).exists()


@rules.predicate
def is_project_team_member(user, project):
    """True when ``user`` is in the team of ``project``'s application."""
    if project is None:
        return False
    return is_team_member(user, project.application)


can_run_workshop = is_organiser | is_facilitator_of


@rules.predicate
def can_update_action_status(user, action):
    """Organisers, the facilitators of the action's workshop and the team of
    its Project may move a follow-up action's status."""
    if not is_authenticated(user):
        return False
    if is_organiser(user) or is_project_team_member(user, action.project):
        return True
    return action.workshop is not None and is_facilitator_of(user, action.workshop)
