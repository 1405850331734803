"""Who may read what through the API: the access level of a request.

Two levels exist: ``open`` (hourly and daily aggregates, for everyone) and
``fine`` (15-minute values). Until API keys exist, an authenticated organiser
(session) reads fine data and everybody else reads open data. The API-key issue
plugs keys in here, and only here: views ask ``resolve_access(request)``.
"""

from portal.accounts.permissions import is_organiser

OPEN = "open"
FINE = "fine"
LEVELS = (OPEN, FINE)

# Intervals each level may read.
INTERVALS_BY_LEVEL = {
    OPEN: frozenset({"hour", "day"}),
    FINE: frozenset({"15min", "hour", "day"}),
}


def resolve_access(request):
    """Return the access level (``"open"`` or ``"fine"``) of ``request``.

    The result is memoised on the request: the organiser check costs a query.
    """
    cached = getattr(request, "_datasets_access", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    level = FINE if user is not None and is_organiser(user) else OPEN
    try:
        request._datasets_access = level
    except AttributeError:  # pragma: no cover - exotic request objects
        pass
    return level


def can_read_interval(level, interval):
    return interval in INTERVALS_BY_LEVEL.get(level, frozenset())
