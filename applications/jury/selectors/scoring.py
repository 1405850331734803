"""Reads of the scoring area: the juror's queue, the sheet, the next one."""

from django.db.models import Count, Q

from ...models import Submission
from ..models import Grid
from .assignment import assignments_for_membership


class QueueState:
    TO_SCORE = "to_score"
    DRAFT = "draft"
    SUBMITTED = "submitted"


def queue_state(assignment):
    """``to_score``, ``draft`` or ``submitted`` (reads the joined sheet)."""
    sheet = getattr(assignment, "sheet", None)
    if sheet is None:
        return QueueState.TO_SCORE
    return QueueState.SUBMITTED if sheet.is_submitted else QueueState.DRAFT


def queue_for_juror(membership, *, with_team=False):
    """Return ``(rows, done, total)``: each row ``{"assignment", "state"}`` in
    reference order, and how many sheets are submitted out of how many.
    ``with_team`` prefetches each application's team and their users (to mask
    their names on a blind call's queue)."""
    assignments = assignments_for_membership(membership)
    if with_team:
        assignments = assignments.prefetch_related("application__team__user")
    rows = [
        {"assignment": assignment, "state": queue_state(assignment)}
        for assignment in assignments
    ]
    done = sum(1 for row in rows if row["state"] == QueueState.SUBMITTED)
    return rows, done, len(rows)


def queue_progress(membership):
    """Return ``(done, total)``: how many of the juror's assignments have
    their sheet submitted, out of how many. One query."""
    figures = assignments_for_membership(membership).aggregate(
        done=Count("pk", filter=Q(sheet__submitted_at__isnull=False)),
        total=Count("pk"),
    )
    return figures["done"], figures["total"]


def assignment_for_juror(membership, reference):
    """Return the juror's assignment of the application ``reference``, or
    None (not assigned, conflicted, not reviewable)."""
    return (
        assignments_for_membership(membership)
        .select_related("application__call")
        .filter(application__reference=reference)
        .first()
    )


def next_assignment(membership, *, after=None):
    """Return the juror's next assignment to score: not submitted by them,
    the least reviewed first (fewest sheets submitted by any juror), then by
    reference; ``after`` (an assignment) is skipped. None when all are done."""
    queryset = (
        assignments_for_membership(membership)
        .exclude(sheet__submitted_at__isnull=False)
        .annotate(
            submitted_sheets=Count(
                "application__assignments__sheet",
                filter=Q(application__assignments__sheet__submitted_at__isnull=False),
            )
        )
        .order_by("submitted_sheets", "application__reference")
    )
    if after is not None:
        queryset = queryset.exclude(pk=after.pk)
    return queryset.first()


def deposited_submission(application):
    """Return the submission the jury reads: the last one made before the
    call's deadline (the latest one when none is)."""
    submissions = Submission.objects.filter(application=application)
    on_time = (
        submissions.filter(submitted_at__lte=application.call.closes_at)
        .order_by("-number")
        .first()
    )
    return on_time or submissions.order_by("-number").first()


def deposited_attachments(application, submission):
    """Return the application's attachments that were deposited with
    ``submission`` (matched by fingerprint), in upload order."""
    attachments = list(application.attachments.order_by("uploaded_at", "pk"))
    content = submission.content if submission is not None else None
    files = content.get("attachments") if isinstance(content, dict) else None
    if not isinstance(files, list):
        return attachments
    fingerprints = {item.get("sha256") for item in files if isinstance(item, dict)}
    return [item for item in attachments if item.sha256 in fingerprints]


def sheet_of(assignment):
    """Return the assignment's score sheet, or None."""
    return getattr(assignment, "sheet", None)


def grid_for(assignment):
    """Return the grid the assignment is scored on: its sheet's, else the
    call's current one (None when the call has no grid)."""
    sheet = sheet_of(assignment)
    if sheet is not None:
        return sheet.grid
    return (
        Grid.objects.filter(call_id=assignment.application.call_id)
        .order_by("-version")
        .first()
    )


def sheet_scores(sheet):
    """Return ``{criterion key: Score}`` of ``sheet`` (empty for None)."""
    if sheet is None:
        return {}
    return {
        score.criterion.key: score for score in sheet.scores.select_related("criterion")
    }
