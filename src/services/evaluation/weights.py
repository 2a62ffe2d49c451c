"""A goal's weights as they are scored: taken to the region's total (Art. 23, INDICATOR_WEIGHT_TOTAL).

Goals issued under another total keep their weights as issued (a goal is never rewritten once issued,
Art. 10, 14); scoring takes them in proportion to the total in force, so every indicator keeps its share: a
goal weighted to 100 is scored on 90 with 100 → 90, 5 → 4.50 (the cents by largest remainder, so the scaled
weights add up exactly). A goal already at the total is scored as issued.

With fixed level-1 weights (LEVEL1_WEIGHTS = FIXED) each category's indicators are taken together to its
fixed weight instead; when a category with points has no indicator (a goal set before the rule) the whole
goal is taken to the total as above.
"""

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from src.models.enums import IndicatorCategory
from src.services.evaluation.scoring import ScoringRules

CENT = Decimal("0.01")
ZERO = Decimal(0)


def scaled_weights(*, weights: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """`weights` in proportion, in cents, adding up exactly to `total`; unchanged when they already do."""
    present = sum(weights, ZERO)
    if present == total:
        return list(weights)
    if present == 0:
        return [ZERO.quantize(CENT) for _ in weights]
    exact = [w * total / present for w in weights]
    floors = [e.quantize(CENT, rounding=ROUND_FLOOR) for e in exact]
    left = int((total.quantize(CENT) - sum(floors, ZERO)) / CENT)
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in by_remainder[:left]:
        floors[i] += CENT
    return floors


def goal_weights(
    *, indicators: Sequence[tuple[IndicatorCategory, Decimal]], rules: ScoringRules
) -> list[Decimal]:
    """The weights to score a goal's indicators (level-1 category, weight as issued) with, in their order."""
    fixed = rules.level1_weights
    present = {category for category, _ in indicators}
    if fixed is None or any(points > 0 and category not in present for category, points in fixed.items()):
        return scaled_weights(weights=[w for _, w in indicators], total=rules.indicator_weight_total)
    scaled: dict[IndicatorCategory, list[Decimal]] = {
        category: scaled_weights(weights=[w for c, w in indicators if c == category], total=points)
        for category, points in fixed.items()
    }
    return [scaled[category].pop(0) for category, _ in indicators]
