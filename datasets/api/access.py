"""Who may read what through the API: the access of a request.

Two levels exist: ``open`` (hourly and daily aggregates, for everyone) and
``fine`` (15-minute values). Fine data is read with an API key, for the
datasets of the key's grant, or by an organiser signed in to the portal (every
dataset). Views ask ``resolve_access(request)`` for the level and
``check_fine_scope(request, datasets)`` before serving 15-minute values.

A request carrying a key that is malformed, unknown, expired or revoked answers
401 on every endpoint, so that a client learns at once that its key is dead.
"""

import time

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

from datasets.access import keys
from portal.accounts.permissions import is_organiser

from .params import FineDataForbidden

OPEN = "open"
FINE = "fine"
LEVELS = (OPEN, FINE)

# Intervals each level may read.
INTERVALS_BY_LEVEL = {
    OPEN: frozenset({"hour", "day"}),
    FINE: frozenset({"15min", "hour", "day"}),
}


# A signed-in user's level is remembered in the session for a few minutes:
# the organiser check costs a query. A role withdrawn takes effect within
# this delay.
SESSION_KEY = "_datasets_api_access"
SESSION_TTL_SECONDS = 300
AUTHENTICATE_HEADER = 'Bearer realm="OpenBatignolles API"'


def _refusal_messages():
    """The message of each refusal (a function: translated per request)."""
    return {
        keys.MALFORMED: _(
            "This is not an OpenBatignolles API key: keys read "
            "obk_<id>_<secret>, as shown when the key was created."
        ),
        keys.BAD_CHECKSUM: _(
            "This API key is mistyped: its last characters (a checksum) do not "
            "match the rest. Copy it again from where you stored it."
        ),
        keys.IN_QUERY: _(
            "API keys are refused in the address (query string), which ends "
            "up in logs and browser histories: send it in the header "
            "'Authorization: Bearer <key>' or 'X-API-Key'. If the key was "
            "shared in an address, report it as leaked and rotate it."
        ),
        keys.UNKNOWN: _(
            "This API key is unknown. Your keys and their state are on your "
            "data access page."
        ),
        keys.REVOKED: _(
            "This API key was revoked (by its team, the organisers, or after "
            "a leak was reported). Create a new key on your data access page."
        ),
        keys.EXPIRED: _(
            "This API key has expired. Create a new key on your data access "
            "page, or ask the organisers to renew the access."
        ),
        keys.SUSPENDED: _(
            "The data access of this key is suspended by the organisers: its "
            "keys are refused until they lift the suspension. Your team was "
            "told why by email."
        ),
        keys.OUTSIDE_NETWORKS: _(
            "This API key may only be used from the IP ranges chosen for it; "
            "this request comes from another address."
        ),
    }


class KeyRefused(APIException):
    """A presented key refused: 401 when the key itself is not valid, 403 when
    it is valid but not allowed here. The JSON answer says which (``code``)."""

    FORBIDDEN = (keys.SUSPENDED, keys.OUTSIDE_NETWORKS)

    def __init__(self, code=keys.UNKNOWN):
        self.status_code = (
            status.HTTP_403_FORBIDDEN
            if code in self.FORBIDDEN
            else status.HTTP_401_UNAUTHORIZED
        )
        message = _refusal_messages()[code]
        super().__init__({"detail": message, "code": code, "errors": []}, code)


# The name the views know.
InvalidApiKey = KeyRefused


class LimiterUnavailable(APIException):
    """Redis cannot count the request's limits: 503, never an unlimited answer."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "limits_unavailable"

    def __init__(self):
        message = _(
            "The API cannot check its rate limits at the moment, so it does "
            "not answer: try again in a few seconds. The portal's pages keep "
            "working."
        )
        super().__init__({"detail": message, "code": self.default_code, "errors": []})


class DatasetNotGranted(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "dataset_not_granted"

    def __init__(self, missing, granted):
        message = _(
            "Your key does not give 15-minute values of %(datasets)s. Ask the "
            "organisers to extend your grant, or ask for interval=hour or "
            "interval=day."
        ) % {"datasets": ", ".join(sorted(missing))}
        super().__init__(
            {
                "detail": message,
                "errors": [
                    {
                        "parameter": "dataset",
                        "message": message,
                        "allowed": sorted(granted),
                    }
                ],
            }
        )


def _level_of(user):
    return FINE if is_organiser(user) else OPEN


def _remember(request, level, *, key=None):
    request._datasets_access = level
    request._datasets_key = key
    raw = getattr(request, "_request", None)
    if raw is not None:
        raw._datasets_access = level
        raw._datasets_key = key


def accept_key(request):
    """Resolve the key ``request`` carries, through the limiter's round trip
    (``throttling.admit``), and remember its access on the request; raise
    KeyRefused (401/403), Throttled (429) or LimiterUnavailable (503)."""
    from .throttling import admit

    admit(request)
    access = getattr(request, "_datasets_key", None)
    if access is None:
        raw = getattr(request, "_request", None)
        access = getattr(raw, "_datasets_key", None)
    if access is None:
        raise KeyRefused(keys.problem(request) or keys.UNKNOWN)
    _remember(request, FINE, key=access)
    return access


def resolve_access(request):
    """Return the access level (``"open"`` or ``"fine"``) of ``request``.

    A valid key is ``fine`` (InvalidApiKey for a dead one); an organiser's
    session is ``fine``; anything else is ``open``. The result is memoised on
    the request and, for a session, in the session for ``SESSION_TTL_SECONDS``.
    """
    cached = getattr(request, "_datasets_access", None)
    if cached is not None:
        return cached
    if keys.presented_token(request) is not None:
        accept_key(request)
        return FINE
    if getattr(request, "_request", None) is not None:
        raw_level = getattr(request._request, "_datasets_access", None)
        if raw_level is not None:
            return raw_level
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
    _remember(request, level)
    return level


def key_of(request):
    """The KeyAccess the request was served with, or None."""
    resolve_access(request)
    return getattr(request, "_datasets_key", None)


def can_read_interval(level, interval):
    return interval in INTERVALS_BY_LEVEL.get(level, frozenset())


def check_fine_scope(request, datasets):
    """Raise DatasetNotGranted when a key asks 15-minute values of datasets
    outside its grant. Sessions (organisers) read every dataset."""
    key = key_of(request)
    if key is None:
        return
    missing = set(datasets) - key.datasets
    if missing:
        raise DatasetNotGranted(missing, key.datasets)


def check_interval(request, interval):
    if not can_read_interval(resolve_access(request), interval):
        raise FineDataForbidden()
