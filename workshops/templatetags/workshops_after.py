"""``{% after_workshop workshop as after %}``: what the viewer may read of a
workshop after it (minutes, materials, follow-up actions)."""

from django import template

from portal.accounts.permissions import is_organiser

from ..enums import ActionStatus
from ..permissions_wafter import is_project_team_member
from ..selectors.after import after_workshop_for

register = template.Library()


@register.simple_tag(takes_context=True)
def after_workshop(context, workshop):
    request = context.get("request")
    user = getattr(request, "user", None)
    return after_workshop_for(workshop, user)


@register.simple_tag
def action_status_choices():
    """The statuses a follow-up action may take, as ``(value, label)``."""
    return ActionStatus.choices


@register.simple_tag(takes_context=True)
def can_update_project_actions(context, project):
    """Whether the viewer may move the status of ``project``'s actions as a
    member of its team or an organiser (facilitators do it from their
    workshop's page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(is_organiser(user) or is_project_team_member(user, project))
