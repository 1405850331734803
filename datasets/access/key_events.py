"""The audit events of keys in words, for the organisers' audit trail (built
by the grants pages): people read sentences in their language, never codes
such as ``api_key.reported``."""

from django.utils.translation import gettext as _


def describe_key_event(event):
    """A sentence for an ``api_key.*`` event of this branch, or None."""
    data = event.data or {}
    prefix = f"obk_{data.get('prefix', '?')}_…"
    if event.verb == "api_key.rotated":
        hours = data.get("overlap_hours", 24)
        if not hours:
            return _(
                "Key %(key)s replaced by %(new)s; the old key stopped at once."
            ) % {"key": prefix, "new": f"obk_{data.get('new_prefix', '?')}_…"}
        return _(
            "Key %(key)s replaced by %(new)s; the old key kept working "
            "%(hours)s more hours."
        ) % {
            "key": prefix,
            "new": f"obk_{data.get('new_prefix', '?')}_…",
            "hours": hours,
        }
    if event.verb == "api_key.reported":
        if data.get("was_active"):
            return _("Key %(key)s reported as leaked, and revoked at once.") % {
                "key": prefix
            }
        return _("Key %(key)s reported as leaked (it was already revoked).") % {
            "key": prefix
        }
    if event.verb == "api_key.revoked":
        return _("Key %(key)s revoked.") % {"key": prefix}
    return None
