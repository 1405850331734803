"""Removing one person from texts and JSON the portal keeps for others (an
email to a colleague naming them, an audit event about them): their
addresses and their name are replaced by ``ERASED``.
"""

import re

from allauth.account.models import EmailAddress

ERASED = "[effacé]"
# A name shorter than this is not searched for in others' texts: "Al" would
# blank every "Alors".
MIN_NAME_LENGTH = 5


def identifiers_of(user):
    """The strings that identify ``user``: every address, the full name and
    each word of it (a key named "Léa's laptop" names Léa)."""
    found = {user.email} if user.email else set()
    found |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    name = (user.full_name or "").strip()
    if len(name) >= MIN_NAME_LENGTH:
        found.add(name)
    found |= {
        word for word in re.split(r"[\s,]+", name) if len(word) >= MIN_NAME_LENGTH
    }
    # Longest first, so that an address is replaced before a name inside it.
    return sorted(found, key=len, reverse=True)


def _pattern(identifiers):
    # A single word matches as a whole word only ("Martin", not "Martinique").
    parts = [
        re.escape(item) if ("@" in item or " " in item) else rf"\b{re.escape(item)}\b"
        for item in identifiers
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


def mentions(text, identifiers):
    """True if ``text`` (any JSON value, as text) names one of ``identifiers``."""
    if not identifiers or not text:
        return False
    return bool(_pattern(identifiers).search(str(text)))


def redact(value, identifiers, *, drop_keys=frozenset()):
    """``value`` (text or JSON) with ``identifiers`` replaced by ``ERASED``
    and the keys in ``drop_keys`` removed from its objects."""
    if not identifiers:
        return value
    pattern = _pattern(identifiers)

    def walk(item):
        if isinstance(item, dict):
            return {
                key: walk(inner)
                for key, inner in item.items()
                if key.lower() not in drop_keys
            }
        if isinstance(item, list):
            return [walk(inner) for inner in item]
        if isinstance(item, str):
            return pattern.sub(ERASED, item)
        return item

    return walk(value)
