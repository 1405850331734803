"""``{% after_workshop workshop as after %}``: what the viewer may read of a
workshop after it (minutes, materials, follow-up actions)."""

from django import template

from ..selectors.after import after_workshop_for

register = template.Library()


@register.simple_tag(takes_context=True)
def after_workshop(context, workshop):
    request = context.get("request")
    user = getattr(request, "user", None)
    return after_workshop_for(workshop, user)
