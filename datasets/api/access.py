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

from . import fastcache
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


class InvalidApiKey(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "invalid_key"

    def __init__(self):
        message = _(
            "This API key is not valid: it is mistyped, expired or revoked. "
            "Your keys and their state are on your data access page."
        )
        super().__init__({"detail": message, "errors": []})


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


_NOT_FETCHED = object()


def accept_key(request, *, fetched=_NOT_FETCHED):
    """Resolve the key ``request`` carries and remember its access on the
    request; raise InvalidApiKey for a malformed or dead key. ``fetched``: the
    key's cache entry when the caller already read it (None for a miss)."""
    token, digest = keys.presented(request)
    if not token:
        raise InvalidApiKey()
    if fetched is _NOT_FETCHED:
        fetched = fastcache.get(keys.cache_key(digest))
    access = keys.access_from_cached(digest, fetched)
    if access is None:
        raise InvalidApiKey()
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
