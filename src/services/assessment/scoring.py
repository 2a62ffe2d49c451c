"""From a prefecture's facts to its sub-scores, total, rank and outcome (Art. 22): pure, no database.

Each fact is a share, scored 0–100; a fact with nothing to count (no deadline due, no self-evaluation owed,
no rectification item, no warning to answer) is **not applicable**: it neither helps nor harms, and its
weight goes to the applicable facts in proportion (the total is their weighted mean). A prefecture with
nothing applicable at all scores 100: nothing was owed, nothing was missed. Until the rectification source
exists (issue 21, another domain) every prefecture's rectification is not applicable.

The weights are the province's ASSESSMENT_WEIGHT_* rules and must make 100 (checked when computing); the
outcome: COMMENDED from ASSESSMENT_COMMEND_FROM (表扬), WEAK below ASSESSMENT_WEAK_BELOW (工作推进不力),
else NORMAL. Ranks: by total, ties sharing a rank and the next rank skipping (1, 2, 2, 4).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from src.models.assessment import AssessmentOutcome
from src.services.rules import RuleSet
from src.services.rules.registry import RuleKey

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
WEIGHT_KEYS = (
    RuleKey.ASSESSMENT_WEIGHT_DEADLINES,
    RuleKey.ASSESSMENT_WEIGHT_SELF_EVALUATION,
    RuleKey.ASSESSMENT_WEIGHT_RECTIFICATION,
    RuleKey.ASSESSMENT_WEIGHT_WARNINGS,
)
BAND_KEYS = (RuleKey.ASSESSMENT_COMMEND_FROM, RuleKey.ASSESSMENT_WEAK_BELOW)


def rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a 0–100 score; None (not applicable) when there is nothing to count."""
    return None if whole == 0 else rounded(HUNDRED * part / whole)


@dataclass(frozen=True)
class Weights:
    deadlines: Decimal
    self_evaluation: Decimal
    rectification: Decimal
    warnings: Decimal
    commend_from: Decimal
    weak_below: Decimal

    @classmethod
    def of(cls, rules: RuleSet) -> "Weights":
        return cls(
            deadlines=rules.assessment_weight_deadlines,
            self_evaluation=rules.assessment_weight_self_evaluation,
            rectification=rules.assessment_weight_rectification,
            warnings=rules.assessment_weight_warnings,
            commend_from=rules.assessment_commend_from,
            weak_below=rules.assessment_weak_below,
        )

    @property
    def total(self) -> Decimal:
        return self.deadlines + self.self_evaluation + self.rectification + self.warnings

    def problems(self) -> list[str]:
        """What makes these weights unusable (Chinese), none when they are fine."""
        found = []
        if self.total != HUNDRED:
            found.append(f"考核四项权重之和须为100，现为{self.total:f}")
        if self.weak_below > self.commend_from:
            found.append(f"“工作推进不力”线（{self.weak_below:f}）不得高于表扬线（{self.commend_from:f}）")
        return found


def total_of(scores: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal:
    """The weighted mean of the applicable (weight, score) pairs; 100 when none applies."""
    applicable = [(w, s) for w, s in scores if s is not None and w > 0]
    weight = sum((w for w, _ in applicable), Decimal(0))
    if weight == 0:
        return HUNDRED
    return rounded(sum((w * s for w, s in applicable), Decimal(0)) / weight)


def outcome_of(total: Decimal, weights: Weights) -> AssessmentOutcome:
    if total >= weights.commend_from:
        return AssessmentOutcome.COMMENDED
    if total < weights.weak_below:
        return AssessmentOutcome.WEAK
    return AssessmentOutcome.NORMAL


def ranks(totals: Sequence[Decimal]) -> list[int]:
    """Each total's rank (1 = highest), equal totals sharing one, the next skipping as many."""
    return [1 + sum(1 for other in totals if other > total) for total in totals]
