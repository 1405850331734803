"""Keyset pagination for readings: an opaque cursor, no OFFSET, no COUNT.

A cursor is the key of the last row served, ``(period, group, metric)``,
encoded as URL-safe base64 JSON. The next page asks for rows whose key is
strictly greater, so rows inserted while a client pages through neither
repeat nor push others out of the pages still to come.
"""

import base64
import binascii
import json

from django.db.models import Q

DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10000


class InvalidCursor(ValueError):
    pass


def encode_cursor(key):
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value, *, size):
    """Return the key tuple of ``size`` items, or raise InvalidCursor."""
    try:
        padded = value + "=" * (-len(value) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidCursor(str(exc)) from exc
    if not isinstance(key, list) or len(key) != size:
        raise InvalidCursor("wrong cursor shape")
    if not isinstance(key[0], str) or not all(
        isinstance(part, int) and not isinstance(part, bool) and abs(part) < 2**31
        for part in key[1:]
    ):
        raise InvalidCursor("wrong cursor types")
    return tuple(key)


def after_key_q(fields, values):
    """A filter for rows whose ``fields`` tuple sorts after ``values``.

    ``(a, b, c) > (x, y, z)`` spelt out portably; the leading ``a >= x`` bound
    lets the database use its indexes.
    """
    first_field, first_value = fields[0], values[0]
    condition = Q()
    for position in range(len(fields)):
        equal = {fields[i]: values[i] for i in range(position)}
        condition |= Q(**equal, **{f"{fields[position]}__gt": values[position]})
    return Q(**{f"{first_field}__gte": first_value}) & condition
