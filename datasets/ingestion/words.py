"""Ingestion errors in the reader's language.

The importer stores its errors and rejection details as short technical English
(they also go to the logs, and a run may be read in either language); the back
office shows them through ``error_in_words`` and ``detail_in_words``: each known
shape becomes a translated sentence with the same values, and an unknown text
is shown as it is.
"""

import datetime
import re

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .service import INTERRUPTED_MESSAGE

_ERRORS = [
    (
        r"HTTP (?P<code>\d+) from upstream",
        _("The data platform answered with the error HTTP %(code)s."),
    ),
    (
        r"upstream unreachable: (?P<detail>.*)",
        _("The data platform could not be reached (%(detail)s)."),
    ),
    (
        r"upstream answered invalid JSON: (?P<detail>.*)",
        _("The data platform answered something that is not JSON (%(detail)s)."),
    ),
    (
        r"UPSTREAM_SENSOR_API_URL is not set",
        _(
            "The address of the data platform is not configured (setting "
            "UPSTREAM_SENSOR_API_URL)."
        ),
    ),
    (
        r"upstream page is neither a list nor an object",
        _("The data platform answered a page that is neither a list nor an object."),
    ),
]

_DETAILS = [
    (
        r"line (?P<line>\d+): the header must name sensor, metric, period_start, value",
        _("Line %(line)s: the header must name sensor, metric, period_start, value."),
    ),
    (r"line (?P<line>\d+): not valid JSON", _("Line %(line)s: not valid JSON.")),
    (
        r"line (?P<line>\d+): (?P<count>\d+) fields where the header has "
        r"(?P<expected>\d+)",
        _("Line %(line)s: %(count)s fields where the header has %(expected)s."),
    ),
    (r"field\(s\) refused: (?P<fields>.*)", _("Fields refused: %(fields)s.")),
    (r"missing (?P<fields>.*)", _("Missing: %(fields)s.")),
    (r"not a record: (?P<value>.*)", _("Not a record: %(value)s.")),
    (
        r"sensor (?P<sensor>\S+) does not measure (?P<metric>\S+)",
        _("The sensor %(sensor)s does not measure %(metric)s."),
    ),
    (
        r"timestamp without a UTC offset (?P<value>.*)",
        _("Timestamp without a UTC offset: %(value)s."),
    ),
    (r"unknown metric (?P<value>.*)", _("Unknown metric: %(value)s.")),
    (r"unknown sensor (?P<value>.*)", _("Unknown sensor: %(value)s.")),
    (r"unparseable timestamp (?P<value>.*)", _("Unparseable timestamp: %(value)s.")),
    (r"value is not a number: (?P<value>.*)", _("Not a number: %(value)s.")),
    (r"(?P<moment>\S+) is in the future", _("%(moment)s is in the future.")),
    (
        r"(?P<metric>\S+) = (?P<value>\S+) outside "
        r"\[(?P<low>[^,]+), (?P<high>[^\]]+)\]",
        _("%(metric)s = %(value)s, outside the range %(low)s to %(high)s."),
    ),
    (
        r"(?P<metric>\S+) is not measured in (?P<unit>.*)",
        _("%(metric)s is not measured in %(unit)s."),
    ),
]

_COMPILED_ERRORS = [(re.compile(p + r"\Z", re.S), m) for p, m in _ERRORS]
_COMPILED_DETAILS = [(re.compile(p + r"\Z", re.S), m) for p, m in _DETAILS]
# The interruption message is stored translated in the worker's language.
_INTERRUPTED = re.compile(r"(Interrupted|Interrompu)\b")


def _in_words(text, table):
    text = str(text or "")
    for pattern, message in table:
        match = pattern.match(text)
        if match:
            return message % match.groupdict()
    return text


def error_in_words(text):
    """A run's stored error as a sentence in the active language."""
    if _INTERRUPTED.match(str(text or "")):
        return str(INTERRUPTED_MESSAGE)
    return _in_words(text, _COMPILED_ERRORS)


def detail_in_words(text):
    """A rejected record's stored detail as words in the active language."""
    return _in_words(text, _COMPILED_DETAILS)


_SIMULATOR = re.compile(
    r"simulator seed=(?P<seed>\S+) (?P<start>\S+) -> (?P<end>\S+)\Z"
)
_UPSTREAM = re.compile(r"upstream (?P<host>\S+) since (?P<since>\S+)\Z")
_FILE = re.compile(r"file (?P<name>.+) \((?P<format>\w+)\)\Z")


def _moment(iso):
    try:
        moment = datetime.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "j N Y H:i")


def source_in_words(text):
    """A run's stored source description ("upstream host since …") in words."""
    text = str(text or "")
    match = _SIMULATOR.match(text)
    if match:
        return _("Simulator (seed %(seed)s), from %(start)s to %(end)s") % {
            "seed": match["seed"],
            "start": _moment(match["start"]),
            "end": _moment(match["end"]),
        }
    match = _UPSTREAM.match(text)
    if match:
        if match["since"] == "start":
            return _("%(host)s, from the beginning") % {"host": match["host"]}
        return _("%(host)s, since %(since)s") % {
            "host": match["host"],
            "since": _moment(match["since"]),
        }
    match = _FILE.match(text)
    if match:
        return _("File %(name)s (%(format)s)") % {
            "name": match["name"],
            "format": match["format"].upper(),
        }
    return text
