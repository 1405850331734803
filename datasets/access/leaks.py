"""Reporting a leaked API key: anyone who finds one (in a public repository,
a paste, a screenshot) pastes it; it is revoked at once and its team told.

The answer is the same whatever the key: the form is no oracle for guessing
keys, and a reporter learns nothing about a key they do not hold. Reports
are limited per client address (``LEAK_REPORTS_PER_HOUR``).
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.clientip import client_ip

from . import keys
from .key_emails import queue_key_emails
from .models import ApiKey

LEAK_REPORTS_PER_HOUR = 20
MAX_KEYS_PER_REPORT = 20


def tokens_in(text):
    """The distinct well-formed keys pasted in ``text`` (at most 20)."""
    found = []
    for match in keys.ANY_TOKEN_RE.finditer(text or ""):
        token = match.group(0)
        if keys.is_well_formed(token) and token not in found:
            found.append(token)
    return found[:MAX_KEYS_PER_REPORT]


def report_allowed(request):
    """Count a report against the caller's address; False beyond the limit."""
    key = f"leak-report:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    limit = getattr(settings, "LEAK_REPORTS_PER_HOUR", LEAK_REPORTS_PER_HOUR)
    return count <= limit


def report_leaked_keys(text, *, reporter=None, where=""):
    """Revoke every active key found in ``text``, mark it reported, write
    ``api_key.reported`` and email its team. Return the number of keys
    revoked (the pages never show it). Safe to call twice."""
    revoked = 0
    for token in tokens_in(text):
        if report_leaked_key(token, reporter=reporter, where=where):
            revoked += 1
    return revoked


def report_leaked_key(token, *, reporter=None, where=""):
    """Revoke the key ``token`` if it is known and not revoked yet; True if
    it was. ``where``: where the reporter found it (a URL, kept in the audit
    event, never the key)."""
    digest = keys.digest_of(token)
    now = timezone.now()
    with transaction.atomic():
        key = (
            ApiKey.objects.select_for_update()
            .select_related("grant")
            .filter(digest=digest)
            .first()
        )
        if key is None:
            return False
        first_report = key.reported_at is None
        if first_report:
            key.reported_at = now
        was_active = key.revoked_at is None
        if was_active:
            key.revoked_at = now
        if not (first_report or was_active):
            return False
        key.save(update_fields=["reported_at", "revoked_at"])
        keys.forget([key.digest])
        record_event(
            "api_key.reported",
            actor=reporter,
            target=key,
            data={
                "prefix": key.prefix,
                "name": key.name,
                "where": keys.redact((where or "").strip())[:500],
                "was_active": was_active,
            },
        )
        queue_key_emails(key, "reported")
    return was_active
