"""A juror's score sheet: recorded, saved as a draft, submitted."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..calculations import weighted_score
from ..models import Assignment, Grid, Score, ScoreSheet
from ..permissions import can_score
from .grid import current_grid


class ScoringError(ValidationError):
    """Scores that cannot be recorded (values out of range, review closed)."""


class StaleSheetError(ScoringError):
    """The sheet changed since the page read it (another tab, another device)."""

    def __init__(self, message, *, version):
        super().__init__(message, code="stale")
        self.version = version


@dataclass(frozen=True)
class SheetResult:
    sheet: ScoreSheet
    changed: bool
    submitted_now: bool


def sheet_weighted_score(sheet):
    """Return the sheet's weighted score (0-100) over its scores as read with
    ``sheet.scores.all()`` (prefetch ``scores__criterion`` for a list); None
    when nothing was scored. "Not applicable" is left out, never zero."""
    return weighted_score(
        (
            score.value,
            score.criterion.scale_max,
            score.criterion.weight,
            score.not_applicable,
        )
        for score in sheet.scores.all()
    )


def _clean_entry(criterion, entry):
    """Return ``(value, not_applicable, comment)`` from an entry, or raise."""
    if not isinstance(entry, dict):
        raise ValidationError(_("Malformed score."), code="invalid")
    value = entry.get("value")
    not_applicable = entry.get("not_applicable", False)
    comment = entry.get("comment", "")
    if not isinstance(not_applicable, bool):
        raise ValidationError(_("Malformed score."), code="invalid")
    if comment is None:
        comment = ""
    if not isinstance(comment, str) or len(comment) > 5000:
        raise ValidationError(
            _("A comment is text of 5,000 characters at most."), code="comment"
        )
    if value in ("", None):
        value = None
    else:
        if isinstance(value, bool):
            raise ValidationError(_("Malformed score."), code="invalid")
        try:
            value = int(value)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(_("Malformed score."), code="invalid") from None
        if not 0 <= value <= criterion.scale_max:
            raise ValidationError(
                _("A score is between 0 and %(max)s."),
                code="range",
                params={"max": criterion.scale_max},
            )
    if not_applicable and value is not None:
        raise ValidationError(
            _("Give a score or mark the criterion not applicable, not both."),
            code="both",
        )
    return value, not_applicable, comment


def record_scores(
    assignment,
    *,
    juror,
    scores,
    overall_comment,
    submit=False,
    base_version=None,
):
    """Save ``juror``'s scores of ``assignment`` and return a ``SheetResult``.

    ``scores`` maps criterion keys to ``{"value": 0..scale_max or None,
    "not_applicable": bool, "comment": str}``; criteria left out keep what the
    sheet holds. Creates the sheet (one per assignment) on the current grid
    and locks the grid at the first score. ``submit`` (or a sheet already
    submitted) requires every criterion scored or not applicable.
    ``base_version`` (the version the page read) refuses a stale save with
    ``StaleSheetError``. Raises ``ScoringError`` (a dict of messages per
    criterion key, or one message) when the values are wrong or the juror may
    not score (not assigned, conflicted, outside review). Records
    ``jury.scores_recorded`` when something changed and ``jury.sheet_submitted``
    when the sheet is submitted.
    """
    if not isinstance(scores, dict) or not isinstance(overall_comment, str):
        raise ScoringError(_("Malformed scores."), code="invalid")
    if len(overall_comment) > 10000:
        raise ScoringError(
            _("The overall comment is 10,000 characters at most."), code="comment"
        )
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("membership", "application__call")
            .get(pk=assignment.pk)
        )
        if assignment.membership.user_id != juror.pk or not can_score(
            juror, assignment.application
        ):
            raise ScoringError(
                _("You may not score this application now."), code="forbidden"
            )
        sheet = (
            ScoreSheet.objects.select_related("grid")
            .filter(assignment=assignment)
            .first()
        )
        if sheet is None:
            grid = current_grid(assignment.application.call)
            if grid is None:
                raise ScoringError(
                    _("The call has no evaluation grid yet."), code="no_grid"
                )
            if base_version not in (None, 0):
                raise StaleSheetError(
                    _("This sheet was changed elsewhere: reload the page."),
                    version=0,
                )
            sheet = ScoreSheet.objects.create(assignment=assignment, grid=grid)
            sheet_created = True
        else:
            sheet_created = False
            if base_version is not None and base_version != sheet.version:
                raise StaleSheetError(
                    _(
                        "This sheet was changed elsewhere (another tab or device) "
                        "since you opened it: reload the page to see that version."
                    ),
                    version=sheet.version,
                )
        criteria = {c.key: c for c in sheet.grid.criteria.all()}
        existing = {
            s.criterion.key: s for s in sheet.scores.select_related("criterion")
        }
        errors = {}
        cleaned = {}
        for key, entry in scores.items():
            criterion = criteria.get(key)
            if criterion is None:
                errors[str(key)[:60]] = [_("No such criterion.")]
                continue
            try:
                cleaned[key] = _clean_entry(criterion, entry)
            except ValidationError as exc:
                errors[key] = exc.messages
        if errors:
            raise ScoringError(errors)

        changed = sheet_created
        before = {}
        after = {}
        to_create = []
        for key, (value, not_applicable, comment) in cleaned.items():
            score = existing.get(key)
            if score is None:
                if value is None and not not_applicable and not comment:
                    continue
                score = Score(
                    sheet=sheet,
                    criterion=criteria[key],
                    value=value,
                    not_applicable=not_applicable,
                    comment=comment,
                )
                to_create.append(score)
                existing[key] = score
                after[key] = [value, not_applicable]
                continue
            if (score.value, score.not_applicable, score.comment) == (
                value,
                not_applicable,
                comment,
            ):
                continue
            before[key] = [score.value, score.not_applicable]
            score.value, score.not_applicable, score.comment = (
                value,
                not_applicable,
                comment,
            )
            score.save(update_fields=["value", "not_applicable", "comment"])
            after[key] = [value, not_applicable]
        Score.objects.bulk_create(to_create)
        changed = changed or bool(after)
        fields = []
        if overall_comment != sheet.overall_comment:
            sheet.overall_comment = overall_comment
            fields.append("overall_comment")
            changed = True

        must_be_complete = submit or sheet.is_submitted
        if must_be_complete:
            missing = [
                criterion
                for key, criterion in criteria.items()
                if key not in existing
                or (existing[key].value is None and not existing[key].not_applicable)
            ]
            if missing:
                raise ScoringError(
                    {
                        c.key: [_("Give a score or mark it not applicable.")]
                        for c in missing
                    },
                    code="incomplete",
                )
        submitted_now = submit and not sheet.is_submitted
        now = timezone.now()
        if submitted_now:
            sheet.submitted_at = now
            fields.append("submitted_at")
            changed = True
        if changed and not sheet_created:
            sheet.version += 1
            sheet.updated_at = now
            fields += ["version", "updated_at"]
        if fields:
            sheet.save(update_fields=fields)
        if (
            any(s.value is not None or s.not_applicable for s in existing.values())
            and not sheet.grid.is_locked
        ):
            Grid.objects.filter(pk=sheet.grid_id, locked_at__isnull=True).update(
                locked_at=now
            )
            record_event("jury.grid_locked", actor=juror, target=sheet.grid)
        if after or "overall_comment" in fields:
            record_event(
                "jury.scores_recorded",
                actor=juror,
                target=sheet,
                before={"scores": before},
                after={"scores": after, "version": sheet.version},
            )
        if submitted_now:
            record_event(
                "jury.sheet_submitted",
                actor=juror,
                target=sheet,
                after={"weighted_score": str(_score_of(sheet))},
            )
    return SheetResult(sheet=sheet, changed=changed, submitted_now=submitted_now)


def _score_of(sheet):
    return weighted_score(
        (s.value, s.criterion.scale_max, s.criterion.weight, s.not_applicable)
        for s in sheet.scores.select_related("criterion")
    )
