from decimal import Decimal

from applications.jury.calculations import weighted_score


def test_weighted_score_leaves_not_applicable_out_of_sum_and_weights():
    items = [
        (4, 5, 20, False),  # 20 × 0.8 = 16
        (None, 5, 15, True),  # not applicable: out
        (5, 5, 10, False),  # 10 × 1.0 = 10
    ]

    # (16 + 10) / (20 + 10) × 100 = 86.666… -> 86.67
    assert weighted_score(items) == Decimal("86.67")


def test_weighted_score_zero_is_a_score_not_applicable_is_not():
    assert weighted_score([(0, 5, 10, False), (None, 5, 10, True)]) == Decimal("0.00")


def test_weighted_score_of_nothing_scored_is_none():
    assert weighted_score([(None, 5, 10, True), (None, 5, 20, False)]) is None
