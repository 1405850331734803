"""The jury's arithmetic, pure: no database, no Django.

A sheet's weighted score is on 0-100: each scored criterion counts
``weight × value / scale_max``; criteria marked "not applicable" (or not yet
scored) are left out of both the sum and the weights, never counted as zero.
"""

from decimal import ROUND_HALF_UP, Decimal


def weighted_score(items):
    """Return the weighted score (0-100, Decimal to 2 places) of ``items``, an
    iterable of ``(value, scale_max, weight, not_applicable)``; None when no
    criterion was scored."""
    total = Decimal(0)
    weights = Decimal(0)
    for value, scale_max, weight, not_applicable in items:
        if not_applicable or value is None or not weight or not scale_max:
            continue
        total += Decimal(weight) * Decimal(value) / Decimal(scale_max)
        weights += Decimal(weight)
    if not weights:
        return None
    return (total / weights * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Ranking: spread and per-juror normalisation --------------------------------

# A juror's scores are standardised only once they have submitted this many
# sheets: below it their mean and spread say little about their severity.
MIN_SHEETS_FOR_NORMALISATION = 5
# Weighted scores (0-100) this far apart between jurors flag an application
# "to discuss".
DISAGREEMENT_SPREAD = 40


def mean(values):
    """Return the arithmetic mean of ``values`` (floats), None when empty."""
    values = list(values)
    if not values:
        return None
    return sum(values) / len(values)


def median(values):
    """Return the median of ``values`` (the mean of the middle two when even)."""
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def standard_deviation(values):
    """Return the population standard deviation of ``values`` (None when empty).

    The population form (divide by n): the jury's sheets are all the sheets,
    not a sample of them.
    """
    values = list(values)
    centre = mean(values)
    if centre is None:
        return None
    return (sum((value - centre) ** 2 for value in values) / len(values)) ** 0.5


def spread(values):
    """Return max − min of ``values``, None when empty."""
    values = list(values)
    if not values:
        return None
    return max(values) - min(values)


def standardise(scores, *, minimum=MIN_SHEETS_FOR_NORMALISATION):
    """Standardise one juror's scores: ``{key: (s − μ) / σ}``.

    ``scores`` maps a key (the application) to the juror's weighted score.
    Returns None when the juror scored fewer than ``minimum`` applications.
    A juror who gave every application the same score (σ = 0) tells nothing
    about the order: each of their z-scores is 0.
    """
    if len(scores) < minimum:
        return None
    values = [float(value) for value in scores.values()]
    centre = mean(values)
    deviation = standard_deviation(values)
    if not deviation:
        return {key: 0.0 for key in scores}
    return {key: (float(value) - centre) / deviation for key, value in scores.items()}
