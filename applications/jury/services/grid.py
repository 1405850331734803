"""The versioned evaluation grid of a call: created, edited, superseded."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ...models import Call
from ..models import Criterion, Grid, ScoreSheet

CRITERION_FIELDS = (
    "key",
    "label_fr",
    "label_en",
    "description_fr",
    "description_en",
    "weight",
    "scale_max",
    "levels",
)


class GridError(ValidationError):
    """A change to a grid that is not allowed (locked under existing scores)."""


def current_grid(call):
    """Return the call's latest grid version (None when it has none)."""
    return Grid.objects.filter(call=call).order_by("-version").first()


def _criterion_dict(criterion):
    return {name: getattr(criterion, name) for name in CRITERION_FIELDS}


def _grid_snapshot(grid):
    return {
        "version": grid.version,
        "locked_at": grid.locked_at.isoformat() if grid.locked_at else None,
        "criteria": [_criterion_dict(c) for c in grid.criteria.all()],
    }


def _sync_call_json(call, grid):
    # Call.grid (the JSON list of before) stays a copy of the current version:
    # publishing checks it and older exports read it; nothing writes it but here.
    call.grid = [
        {
            "key": c.key,
            "label_fr": c.label_fr,
            "label_en": c.label_en,
            "weight": c.weight,
        }
        for c in grid.criteria.all()
    ]
    call.save(update_fields=["grid"])


def _write_criteria(grid, criteria):
    grid.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(
            grid=grid,
            position=position,
            **{name: item.get(name, "") for name in CRITERION_FIELDS if name in item},
        )
        for position, item in enumerate(criteria)
    )


def create_first_grid(call, *, criteria, actor):
    """Create version 1 of ``call``'s grid from ``criteria`` (dicts with the
    fields of ``Criterion``; ``scale_max`` 5 and no levels when absent) unless
    the call already has a grid. Records ``jury.grid_created``. Returns the grid.
    """
    with transaction.atomic():
        existing = current_grid(call)
        if existing is not None:
            return existing
        grid = Grid.objects.create(call=call, version=1)
        _write_criteria(grid, criteria)
        _sync_call_json(call, grid)
        record_event(
            "jury.grid_created", actor=actor, target=grid, after=_grid_snapshot(grid)
        )
    return grid


def save_grid(call, *, criteria, actor):
    """Replace the criteria of ``call``'s grid with ``criteria``.

    An unlocked grid is edited in place. A locked one (a score was recorded)
    is superseded by a new version when no score sheet exists for the call;
    otherwise ``GridError`` is raised and nothing changes. Keeps ``Call.grid``
    in step. Records ``jury.grid_updated`` or ``jury.grid_versioned``.
    Returns the grid now current.
    """
    with transaction.atomic():
        locked_call = Call.objects.select_for_update().get(pk=call.pk)
        grid = current_grid(locked_call)
        if grid is None:
            grid = Grid.objects.create(call=locked_call, version=1)
            before = None
            verb = "jury.grid_created"
        elif not grid.is_locked:
            before = _grid_snapshot(grid)
            verb = "jury.grid_updated"
        else:
            if ScoreSheet.objects.filter(assignment__application__call=call).exists():
                raise GridError(
                    _(
                        "Jurors have already scored with this grid: it can no "
                        "longer change."
                    ),
                    code="grid_locked",
                )
            before = _grid_snapshot(grid)
            grid = Grid.objects.create(call=locked_call, version=grid.version + 1)
            verb = "jury.grid_versioned"
        _write_criteria(grid, criteria)
        _sync_call_json(locked_call, grid)
        record_event(
            verb, actor=actor, target=grid, before=before, after=_grid_snapshot(grid)
        )
    call.grid = locked_call.grid
    return grid
