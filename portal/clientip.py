"""The client's address, the same for every limiter (API, feedback form,
allauth's login and sign-up limits).

Behind reverse proxies ``REMOTE_ADDR`` is the last proxy's address: every
client would share one counter. ``X-Forwarded-For`` names the client, but
only its rightmost entries, written by our own proxies, can be trusted; a
client may put anything on its left. Two settings say which are ours:

- ``TRUSTED_PROXY_COUNT = N``: N proxies in front of the portal, each
  appending the address it saw. The client is the N-th entry from the right.
  ``0``: no proxy, ``REMOTE_ADDR`` is the client (the development default).
- ``TRUSTED_PROXIES = ["10.0.0.0/8", ...]``: the proxies' networks. Walking
  from ``REMOTE_ADDR`` leftwards through ``X-Forwarded-For``, the first
  address outside them is the client.

Production refuses to start without one of them (``portal.settings.production``).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(text.strip(), strict=False) for text in proxies)


def _clean(text):
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""


def client_ip(request):
    """The client's address as the trusted proxies saw it ("" if unknown)."""
    meta = request.META
    remote = _clean(meta.get("REMOTE_ADDR", ""))
    forwarded = [
        part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
    ]
    proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    if proxies:
        networks = _networks(proxies)
        chain = [remote, *(_clean(part) for part in reversed(forwarded))]
        for address in chain:
            if not address:
                return ""
            ip = ipaddress.ip_address(address)
            if not any(ip in network for network in networks):
                return address
        return chain[-1]
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    if len(forwarded) < count:
        # Fewer entries than proxies: the request did not come through them
        # all; its own header cannot be trusted.
        return remote
    return _clean(forwarded[-count])
