"""Reading and writing the draft's fields, and whether it can still change."""

import datetime
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .. import fields as registry
from ..enums import ApplicationState, Granularity
from ..models import Application, RequestedDataset
from .base import ApplicationStateError, DeadlinePassedError, _sync

# --- Reading and writing the draft's fields -----------------------------------

# Application fields a team edits, saved as they are typed: all from the registry.
SCALAR_FIELDS = registry.scalar_field_names()
# Multiple choices (the themes), stored sorted.
LIST_FIELDS = registry.list_field_names()
INDICATOR_COUNT = registry.INDICATOR_COUNT
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED)
SUMMARY_MAX_LENGTH = registry.field("summary").max_length
DATASET_KEY = re.compile(r"^dataset_(?P<id>\d+)(?:_(?P<part>purpose|granularity))?$")
EXTRA_KEY = re.compile(r"^extra_(?P<id>\d+)$")
INDICATOR_KEY = re.compile(rf"^impact_indicator_(?P<index>[1-{INDICATOR_COUNT}])$")


def is_draft_field(name):
    """True when ``name`` is a key ``save_draft`` knows how to store."""
    return bool(
        name in SCALAR_FIELDS
        or name in LIST_FIELDS
        or DATASET_KEY.match(name)
        or EXTRA_KEY.match(name)
        or INDICATOR_KEY.match(name)
    )


def _indicators(application):
    values = list(application.impact_indicators or [])
    return (values + [""] * INDICATOR_COUNT)[:INDICATOR_COUNT]


def read_draft_value(application, name, *, rows):
    """Return the stored value of the draft field ``name``.

    ``rows`` maps dataset ids to the application's ``RequestedDataset`` rows.
    """
    if name in SCALAR_FIELDS:
        return getattr(application, name)
    if name in LIST_FIELDS:
        return sorted(getattr(application, name) or [])
    if match := INDICATOR_KEY.match(name):
        return _indicators(application)[int(match["index"]) - 1]
    if match := EXTRA_KEY.match(name):
        return (application.extra_answers or {}).get(match["id"])
    if match := DATASET_KEY.match(name):
        row = rows.get(int(match["id"]))
        if match["part"] is None:
            return row is not None
        if match["part"] == "purpose":
            return row.purpose if row else ""
        return row.granularity if row else Granularity.HOUR
    raise KeyError(name)


def _write_draft_value(application, name, value, *, rows, offered):
    """Store ``value``; return the model fields to save (empty for rows)."""
    if name in SCALAR_FIELDS:
        setattr(application, name, value)
        if name == "accepts_charter":
            application.charter_version = (
                application.call.charter.version if value else ""
            )
            return [name, "charter_version"]
        return [name]
    if name in LIST_FIELDS:
        setattr(application, name, sorted(value or []))
        return [name]
    if match := INDICATOR_KEY.match(name):
        values = _indicators(application)
        values[int(match["index"]) - 1] = value or ""
        while values and not values[-1]:
            values.pop()
        application.impact_indicators = values
        return ["impact_indicators"]
    if match := EXTRA_KEY.match(name):
        answers = dict(application.extra_answers or {})
        if value in (None, "", []):
            answers.pop(match["id"], None)
        else:
            answers[match["id"]] = value
        application.extra_answers = answers
        return ["extra_answers"]
    match = DATASET_KEY.match(name)
    dataset_id = int(match["id"])
    if dataset_id not in offered:
        return []
    row = rows.get(dataset_id)
    if match["part"] is None:
        if value and row is None:
            rows[dataset_id] = RequestedDataset.objects.create(
                application=application, dataset_id=dataset_id
            )
        elif not value and row is not None:
            row.delete()
            del rows[dataset_id]
        return []
    if row is None:
        if match["part"] == "granularity" or not value:
            return []
        # Typing a purpose for a dataset asks for it: the text is kept.
        row = rows[dataset_id] = RequestedDataset.objects.create(
            application=application, dataset_id=dataset_id
        )
    setattr(row, match["part"], value)
    row.save(update_fields=[match["part"]])
    return []


def _draft_order(name):
    # Ask for datasets before writing their purpose and granularity.
    match = DATASET_KEY.match(name)
    return (0 if match and match["part"] is None else 1, name)


@dataclass
class DraftSaveResult:
    """What ``save_draft`` did: the new version, what it saved, what it refused."""

    version: int
    saved_at: datetime.datetime
    saved: list = field(default_factory=list)
    # {"field": value stored by someone else} for each refused field.
    conflicts: dict = field(default_factory=dict)


def check_editable(application, *, now=None):
    """Raise when the team can no longer change ``application``.

    Editing is possible in draft and after submission until the call closes.
    Raises ``ApplicationStateError`` or ``DeadlinePassedError``.
    """
    now = now or timezone.now()
    if application.state not in EDITABLE_STATES:
        raise ApplicationStateError(
            _("This application is “%(state)s”: it can no longer be changed."),
            code="not_editable",
            params={"state": ApplicationState(application.state).label},
        )
    if now >= application.call.closes_at:
        raise deadline_passed_error(application.call)


def deadline_passed_error(call):
    """Return the error saying the call closed, its deadline in Paris time."""
    closes_at = timezone.localtime(call.closes_at, ZoneInfo("Europe/Paris"))
    return DeadlinePassedError(
        _("The call closed on %(deadline)s (Paris time)."),
        code="deadline_passed",
        params={"deadline": formats.date_format(closes_at, "DATETIME_FORMAT")},
    )


def save_draft(application, *, actor, values, base_version, now=None):
    """Save the draft fields in ``values`` (cleaned values keyed by field name).

    ``base_version`` is the application version the client's text starts from.
    A field someone else changed after that version, to a value different from
    the one sent, is not saved: it comes back in ``conflicts`` with the stored
    value, and the other fields are merged. Each saved field records the new
    version. Raises ``ApplicationStateError`` or ``DeadlinePassedError`` when
    the application cannot be edited. Returns a ``DraftSaveResult``.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call__charter")
            .get(pk=application.pk)
        )
        check_editable(locked, now=now)
        rows = {row.dataset_id: row for row in locked.requested_datasets.all()}
        versions = dict(locked.field_versions or {})
        conflicts = {}
        changes = []
        for name in sorted(values, key=_draft_order):
            if not is_draft_field(name):
                continue
            value = values[name]
            if name in LIST_FIELDS:
                value = sorted(value or [])
            current = read_draft_value(locked, name, rows=rows)
            if current == value:
                continue
            if versions.get(name, 0) > base_version:
                conflicts[name] = current
                continue
            changes.append((name, value))
        if changes:
            offered = set(locked.call.datasets.values_list("id", flat=True))
            locked.version += 1
            fields = {"version", "field_versions", "updated_at", "updated_by"}
            for name, value in changes:
                fields.update(
                    _write_draft_value(locked, name, value, rows=rows, offered=offered)
                )
                versions[name] = locked.version
            locked.field_versions = versions
            locked.updated_at = timezone.now()
            locked.updated_by = actor
            locked.save(update_fields=sorted(fields))
            _sync(application, locked, sorted(fields))
    return DraftSaveResult(
        version=locked.version,
        saved_at=locked.updated_at,
        saved=[name for name, _value in changes],
        conflicts=conflicts,
    )
