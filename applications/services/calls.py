"""Creating, editing and publishing calls."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..jury.services.grid import create_first_grid
from ..models import Call, ExtraQuestion


class CallError(ValidationError):
    """A change to a call that is not allowed (publishing an unfinished call)."""


def _call_snapshot(call):
    return {
        "slug": call.slug,
        "title_fr": call.title_fr,
        "opens_at": call.opens_at.isoformat() if call.opens_at else None,
        "closes_at": call.closes_at.isoformat() if call.closes_at else None,
        "is_published": call.is_published,
        "eligible_types": list(call.eligible_types or []),
        "themes": list(call.themes or []),
        "grid": call.grid,
    }


def _save_questions(call, questions):
    for question in questions:
        pk = question.pop("id", None)
        delete = question.pop("delete", False)
        if pk:
            existing = ExtraQuestion.objects.filter(call=call, pk=pk)
            if delete:
                existing.delete()
            else:
                existing.update(**question)
        elif not delete:
            ExtraQuestion.objects.create(call=call, **question)


def save_call(call, *, fields, datasets, grid=None, questions=(), actor):
    """Create (``call=None``) or update a call with its datasets, grid, questions.

    ``fields`` are the model fields; ``grid`` the list of criteria dicts
    (key, label_fr, label_en, weight) that becomes the call's grid version 1
    when it has no grid yet (``applications.jury.services.grid``; once a grid
    exists it changes on the grid page only); None leaves the grid alone.
    ``questions`` dicts of ExtraQuestion fields with ``id`` (to update) and
    ``delete``.
    Records ``call.created`` or ``call.updated``. Returns the call.
    """
    with transaction.atomic():
        created = call is None
        before = None if created else _call_snapshot(call)
        if created:
            call = Call(**fields)
            call.save()
        else:
            call = Call.objects.select_for_update().get(pk=call.pk)
            for name, value in fields.items():
                setattr(call, name, value)
            call.save(update_fields=list(fields))
        if grid is not None:
            create_first_grid(call, criteria=grid, actor=actor)
        call.datasets.set(datasets)
        _save_questions(call, [dict(q) for q in questions])
        record_event(
            "call.created" if created else "call.updated",
            actor=actor,
            target=call,
            before=before,
            after=_call_snapshot(call),
        )
    return call


def publish_call(call, *, actor):
    """Publish the call so applicants see it; records ``call.published``.

    Raises ``CallError`` when the call has no eligible type, no theme, no
    dataset offered or no evaluation grid.
    """
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        missing = []
        if not locked.eligible_types:
            missing.append(_("eligible applicant types"))
        if not locked.themes:
            missing.append(_("themes"))
        if not locked.datasets.exists():
            missing.append(_("datasets offered"))
        if not locked.grid:
            missing.append(_("evaluation grid"))
        if missing:
            raise CallError(
                _("The call cannot be published without: %(missing)s."),
                code="call_incomplete",
                params={"missing": ", ".join(str(m) for m in missing)},
            )
        _set_published(locked, True, actor=actor)
    call.is_published = True
    return call


def unpublish_call(call, *, actor):
    """Withdraw the call from the public pages; records ``call.unpublished``."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        _set_published(locked, False, actor=actor)
    call.is_published = False
    return call


def _set_published(locked, value, *, actor):
    """Flip a locked call's ``is_published`` and audit it; nothing if unchanged."""
    if locked.is_published == value:
        return
    locked.is_published = value
    locked.save(update_fields=["is_published"])
    record_event(
        "call.published" if value else "call.unpublished",
        actor=actor,
        target=locked,
        before={"is_published": not value},
        after={"is_published": value},
    )
