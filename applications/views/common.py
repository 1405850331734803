"""Helpers shared by the applicant's views: time, Markdown, tokens, lookups."""

import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import markdown
import nh3
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
)
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import Application
from ..permissions import (
    can_edit_application,
    can_view_application,
)

PARIS = ZoneInfo("Europe/Paris")
DRAFT_TOKEN_SALT = "applications.draft"
DRAFT_TOKEN_MAX_AGE = timedelta(hours=24)

# --- Helpers ------------------------------------------------------------------


HEADING_RE = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
LEADING_HEADING_RE = re.compile(r"^\s*<h[1-6]\b[^>]*>.*?</h[1-6]>\s*", re.S | re.I)


def render_markdown(text, *, top_level=None, drop_leading_heading=False):
    """Render Markdown written by organisers to sanitised HTML.

    Inside a page section that has its own heading, ``top_level`` shifts the
    text's headings so that its highest becomes that level (the page keeps one
    ``<h1>`` and its heading order), and ``drop_leading_heading`` removes a
    first heading that would repeat the section's title ("Context" then "The
    context").
    """
    html = nh3.clean(markdown.markdown(text or "", extensions=["extra", "sane_lists"]))
    if drop_leading_heading:
        html = LEADING_HEADING_RE.sub("", html, count=1)
    if top_level:
        levels = [int(level) for _, level in HEADING_RE.findall(html)]
        if levels:
            shift = top_level - min(levels)
            html = HEADING_RE.sub(
                lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html
            )
    return html


def _days(count):
    return ngettext("%(count)s day", "%(count)s days", count)


def _hours(count):
    return ngettext("%(count)s hour", "%(count)s hours", count)


def _minutes(count):
    return ngettext("%(count)s minute", "%(count)s minutes", count)


def remaining_text(delta):
    """Say how long is left, e.g. "3 days 4 hours" (to the minute below an hour)."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        parts = [_days(days) % {"count": days}]
        if hours:
            parts.append(_hours(hours) % {"count": hours})
    elif hours:
        parts = [_hours(hours) % {"count": hours}]
        if minutes:
            parts.append(_minutes(minutes) % {"count": minutes})
    else:
        minutes = max(minutes, 1)
        parts = [_minutes(minutes) % {"count": minutes}]
    return " ".join(parts)


def call_status(call, now):
    if now < call.opens_at:
        return "upcoming"
    if now < call.closes_at:
        return "open"
    return "closed"


STATUS_LABELS = {
    "upcoming": gettext_lazy("Opens soon"),
    "open": gettext_lazy("Open"),
    "closed": gettext_lazy("Closed"),
}
STATUS_BADGES = {
    "upcoming": "badge-warning",
    "open": "badge-success",
    "closed": "badge-muted",
}


def countdown_config(call, now):
    """What static/js/countdown.js needs to update the remaining time."""
    return {
        "closes_at": call.closes_at.isoformat(),
        "template": _("Closes in %(remaining)s"),
        "closed": _("The call is closed."),
        "units": {
            "day": [_days(1), _days(2)],
            "hour": [_hours(1), _hours(2)],
            "minute": [_minutes(1), _minutes(2)],
        },
    }


def _dataset_url(dataset):
    try:
        return reverse("datasets:dataset_detail", kwargs={"slug": dataset.slug})
    except NoReverseMatch:
        return ""


def _paris(moment):
    return timezone.localtime(moment, PARIS) if moment else None


def make_draft_token(application, user):
    """A signed token letting ``user`` save ``application`` for 24 hours.

    It lets an autosave through when the session has expired, so no text is
    lost; the user is then asked to log in again. Logging out ends it
    (``portal.accounts.services.end_draft_tokens``).
    """
    return signing.dumps(
        {"u": user.pk, "a": application.pk, "t": time.time()},
        salt=DRAFT_TOKEN_SALT,
        compress=True,
    )


def user_from_draft_token(token, application):
    """Return the user the token was issued to for ``application``, or None."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=DRAFT_TOKEN_SALT, max_age=DRAFT_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("a") != application.pk:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    ended = user.draft_tokens_valid_after if user else None
    if ended is not None and float(data.get("t") or 0) <= ended.timestamp():
        # Issued before the user logged out: ended with the session.
        return None
    return user


def _application_or_404(request, reference, *, user=None):
    """The application if ``user`` may see it; 404 otherwise."""
    user = user if user is not None else request.user
    application = get_object_or_404(
        Application.objects.select_related("call__charter"), reference=reference
    )
    if not can_view_application(user, application):
        raise Http404
    return application


def _editable_or_403(user, application):
    if not can_edit_application(user, application):
        raise PermissionDenied


def _int(value):
    """An integer from a form or JSON value; 0 for anything else (Infinity too)."""
    if isinstance(value, bool):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return number if abs(number) < 2**31 else 0
