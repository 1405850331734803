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
