"""Who may read what through the API: the access level of a request.

Two levels exist: ``open`` (hourly and daily aggregates, for everyone) and
``fine`` (15-minute values). Until API keys exist, an authenticated organiser
(session) reads fine data and everybody else reads open data. The API-key issue
plugs keys in here, and only here: views ask ``resolve_access(request)``.
"""

import time

from portal.accounts.permissions import is_organiser

OPEN = "open"
FINE = "fine"
LEVELS = (OPEN, FINE)

# Intervals each level may read.
INTERVALS_BY_LEVEL = {
    OPEN: frozenset({"hour", "day"}),
    FINE: frozenset({"15min", "hour", "day"}),
}


# An authenticated user's level is remembered in the session for a few
# minutes: the organiser check costs a query on the API's hot path. A role
# withdrawn takes effect within this delay.
SESSION_KEY = "_datasets_api_access"
SESSION_TTL_SECONDS = 300


def _level_of(user):
    return FINE if is_organiser(user) else OPEN


def resolve_access(request):
    """Return the access level (``"open"`` or ``"fine"``) of ``request``.

    Anonymous requests are ``open``; an organiser's session is ``fine``. The
    result is memoised on the request and, for a session, in the session for
    ``SESSION_TTL_SECONDS``.
    """
    cached = getattr(request, "_datasets_access", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        level = OPEN
    else:
        session = getattr(request, "session", None)
        now = time.time()
        remembered = session.get(SESSION_KEY) if session is not None else None
        if (
            isinstance(remembered, list)
            and len(remembered) == 3
            and remembered[1] == user.pk
            and remembered[2] > now
            and remembered[0] in LEVELS
        ):
            level = remembered[0]
        else:
            level = _level_of(user)
            if session is not None:
                session[SESSION_KEY] = [level, user.pk, now + SESSION_TTL_SECONDS]
    try:
        request._datasets_access = level
    except AttributeError:  # pragma: no cover - exotic request objects
        pass
    return level


def can_read_interval(level, interval):
    return interval in INTERVALS_BY_LEVEL.get(level, frozenset())
