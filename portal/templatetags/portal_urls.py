"""Addresses on the portal's public site, for emails (PORTAL_SITE_URL).

allauth builds its links from the request's host (``127.0.0.1:8811`` behind a
proxy or in development); emails must carry the portal's public address, and
must render the same with or without a request (an outbox task has none).
"""

from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.filter
def on_site(url):
    """The same path, query and fragment, on the portal's public site."""
    parts = urlsplit(str(url))
    return settings.SITE_URL + urlunsplit(
        ("", "", parts.path, parts.query, parts.fragment)
    )


@register.simple_tag
def site_url(view_name, *args, **kwargs):
    """``reverse(view_name)`` in the active language, on the public site."""
    return settings.SITE_URL + reverse(view_name, args=args, kwargs=kwargs)


@register.simple_tag
def contact_email():
    return settings.PORTAL_CONTACT_EMAIL


@register.simple_tag
def messages_for(messages, place):
    """The messages to show at ``place`` of the page: those whose extra tags
    name it, or, for the top of the page (``""``), those naming no place."""
    return [
        message
        for message in messages
        if (message.extra_tags or "") == (place or "")
    ]
