"""Reads for the jury dossier: the applications it holds, the submitted score
sheets, their weighted scores and each juror's normalised scores."""

import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Prefetch

from ...filters import ADMISSIBLE_STATES
from ...models import Application, Submission
from ..enums import BLOCKING_CONFLICT_STATUSES
from ..models import Conflict, Dossier, Score, ScoreSheet
from ..services.scoring import sheet_weighted_score

# Below this many submitted sheets a juror's mean and spread say too little:
# their normalised scores are left blank.
MIN_SHEETS_FOR_NORMALISATION = 5


def dossiers_for_call(call):
    """Return the dossiers of ``call``, newest first, with who asked for them."""
    return Dossier.objects.filter(call=call).select_related("requested_by")


def dossier_applications(call):
    """Return the applications of ``call`` that passed admissibility, by
    reference, with their deposited submissions (newest first) and attachments."""
    return (
        Application.objects.filter(call=call, state__in=ADMISSIBLE_STATES)
        .select_related("call")
        .prefetch_related(
            Prefetch(
                "submissions",
                queryset=Submission.objects.order_by("-number"),
                to_attr="deposited_submissions",
            ),
            "attachments",
        )
        .order_by("reference")
    )


def submitted_sheets_for_call(call):
    """Return the submitted score sheets of ``call``'s applications, with their
    scores and criteria, juror and application.

    A sheet whose juror is conflicted with the application (a conflict not
    dismissed) is left out: it counts nowhere, as in the ranking.
    """
    blocking = Conflict.objects.filter(
        membership_id=OuterRef("assignment__membership_id"),
        application_id=OuterRef("assignment__application_id"),
        status__in=BLOCKING_CONFLICT_STATUSES,
    )
    return (
        ScoreSheet.objects.filter(
            assignment__application__call=call, submitted_at__isnull=False
        )
        .exclude(Exists(blocking))
        .select_related(
            "assignment__membership__user", "assignment__application", "grid"
        )
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion__id"
                ),
            ),
            "grid__criteria",
        )
        .order_by("assignment__application__reference", "assignment__membership_id")
    )


def normalised_scores(sheets):
    """Return ``{sheet.pk: z}`` for ``sheets`` (submitted, scores prefetched).

    Each juror's weighted scores are standardised against their own mean and
    spread (population standard deviation): ``z = (score - mean) / σ``, to 2
    places. A juror with fewer than ``MIN_SHEETS_FOR_NORMALISATION`` scored
    sheets, or who gave every application the same score, gets None.
    """
    by_juror = defaultdict(list)
    for sheet in sheets:
        score = sheet_weighted_score(sheet)
        if score is not None:
            by_juror[sheet.assignment.membership_id].append((sheet.pk, score))
    result = {}
    for entries in by_juror.values():
        if len(entries) < MIN_SHEETS_FOR_NORMALISATION:
            continue
        values = [float(score) for _pk, score in entries]
        mean = sum(values) / len(values)
        sigma = math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))
        if sigma == 0:
            continue
        for pk, score in entries:
            z = Decimal(str((float(score) - mean) / sigma))
            result[pk] = z.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return result
