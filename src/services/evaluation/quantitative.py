"""Scoring a quantitative indicator (FORMS §6B, DOMAIN §10): the share of its weight an actual earns against
its target, as pure arithmetic on the rule values it is given.

- 正向 "≥": met → the full weight; else actual ÷ target. A region may reduce an actual far above the
  target (财预〔2020〕10号 「对完成值高于指标值较多的…按照偏离度适度调减分值」): above
  OVER_ACHIEVEMENT_FROM percent of the target it earns OVER_ACHIEVEMENT_FROM ÷ completion (continuous at
  the threshold, half at twice it).
- 反向 "≤": met → the full weight; above the target 1 − (actual − target) ÷ target, nothing from twice the
  target (the vendor rule), or target ÷ actual (the Hubei-style form's 权重×A/B). A target below zero
  (支出增长率 ≤ -2%) measures the excess against its size: nothing once the excess reaches it.
- 等于 "=": a zero target is met by an actual of at most zero, else nothing; any other is scored as 正向
  (FORMS §6B), except that not meeting it earns nothing unless the region scores it proportionally.

Every function answers the share (0 … 1) and whether the target is met.
"""

from decimal import Decimal

from src.services.rules.choices import EqIndicatorScoring, LeIndicatorScoring, OverAchievementReduction

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)

Share = tuple[Decimal, bool]  # (share of the weight earned, met)


def deviation(*, actual: Decimal, target: Decimal) -> Decimal | None:
    """How far the actual is from the target, in percent of the target's size, either way; None for a zero
    target (no proportion to take)."""
    if target == 0:
        return None
    return abs(actual - target) * HUNDRED / abs(target)


def greater_or_equal(
    *, actual: Decimal, target: Decimal, reduction: OverAchievementReduction, over_from: Decimal
) -> Share:
    if actual >= target:
        if reduction == OverAchievementReduction.BY_DEVIATION and target > 0:
            completion = actual * HUNDRED / target
            if completion > over_from:
                return over_from / completion, True
        return ONE, True
    if target <= 0:  # a "≥ 0" target missed: no proportion to take
        return ZERO, False
    return max(ZERO, actual / target), False


def less_or_equal(*, actual: Decimal, target: Decimal, scoring: LeIndicatorScoring) -> Share:
    if actual <= target:
        return ONE, True
    if target == 0:
        return ZERO, False
    if scoring == LeIndicatorScoring.RATIO:
        return (target / actual if target > 0 else ZERO), False
    return max(ZERO, ONE - (actual - target) / abs(target)), False


def equal(
    *,
    actual: Decimal,
    target: Decimal,
    scoring: EqIndicatorScoring,
    reduction: OverAchievementReduction,
    over_from: Decimal,
) -> Share:
    if target == 0:
        return (ONE, True) if actual <= 0 else (ZERO, False)
    share, met = greater_or_equal(actual=actual, target=target, reduction=reduction, over_from=over_from)
    if met or scoring == EqIndicatorScoring.PROPORTIONAL:
        return share, met
    return ZERO, False
