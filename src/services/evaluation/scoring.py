"""Scoring a self-evaluation (DOMAIN §10, FORMS §6): each indicator against its target, the budget
execution block, the total's grade. Pure functions over the region's rules (Art. 23), read once by
`scoring_rules`.

A straightforward version of the fixed interface: 正向 (≥) min(actual ÷ target, 1) × weight; 反向 (≤) full
within the target, else weight × max(0, 2 − actual ÷ target); = full when equal, else 0 (or proportional under
EQ_INDICATOR_SCORING); qualitative: the evaluator's score within the actual grade's band, by default the
band's top. Scores are rounded half up to two places.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import Comparator, IndicatorKind, QualitativeGrade
from src.services.rules import rules_for
from src.services.rules.definition import EqIndicatorScoring

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)


class Grade(StrEnum):  # 评价等级
    EXCELLENT = "EXCELLENT"  # 优
    GOOD = "GOOD"  # 良
    FAIR = "FAIR"  # 中
    POOR = "POOR"  # 差


@dataclass(frozen=True)
class ScoringRules:
    """The region's rules for the year (Art. 23), read once, passed to the pure functions."""

    grade_excellent_from: Decimal
    grade_good_from: Decimal
    grade_fair_from: Decimal
    qualitative_achieved_from: Decimal  # share of the weight (percent) from which 达成 starts
    qualitative_partly_from: Decimal  # share of the weight (percent) from which 部分达成 starts
    execution_points: Decimal
    execution_reason_below: Decimal  # execution rate (percent) below which a reason is required
    eq_indicator_scoring: EqIndicatorScoring = EqIndicatorScoring.ALL_OR_NOTHING


@dataclass(frozen=True)
class IndicatorFacts:
    kind: IndicatorKind
    comparator: Comparator  # GE / LE / EQ / GRADE
    weight: Decimal
    target_value: Decimal | None  # quantitative
    actual_value: Decimal | None  # quantitative; None = not reported
    target_grade: QualitativeGrade | None  # qualitative
    actual_grade: QualitativeGrade | None  # qualitative
    chosen_score: Decimal | None = None  # qualitative: the evaluator's score within the actual grade's band


@dataclass(frozen=True)
class IndicatorScore:
    score: Decimal  # 0 .. weight, 2 decimals
    met: bool  # the target is met
    deviates: bool  # Art. 18 「偏离绩效目标较大」 by the rule's threshold (also possible when met)

    @property
    def cause_required(self) -> bool:
        return not self.met or self.deviates


@dataclass(frozen=True)
class ExecutionScore:
    rate: Decimal | None  # executed ÷ budget × 100, None when the budget is 0
    score: Decimal
    reason_required: bool


class ScoreOutOfBand(Exception):
    """A qualitative chosen_score outside the band of its grade."""

    def __init__(self, low: Decimal, high: Decimal) -> None:
        super().__init__(f"得分须在 {low} 至 {high} 之间")
        self.low = low
        self.high = high


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, weight: Decimal) -> Decimal:
    return _round(min(max(value, ZERO), weight))


def qualitative_band(
    *, grade: QualitativeGrade, weight: Decimal, rules: ScoringRules
) -> tuple[Decimal, Decimal]:
    """The lowest and highest score of a grade: 达成 [achieved_from %, 100 %] of the weight, 部分达成
    [partly_from %, achieved_from %], 未达成 [0, partly_from %]."""
    achieved = _round(weight * rules.qualitative_achieved_from / HUNDRED)
    partly = _round(weight * rules.qualitative_partly_from / HUNDRED)
    if grade == QualitativeGrade.ACHIEVED:
        return achieved, _round(weight)
    if grade == QualitativeGrade.PARTLY_ACHIEVED:
        return partly, achieved
    return ZERO.quantize(CENT), partly


def _qualitative(facts: IndicatorFacts, rules: ScoringRules) -> IndicatorScore:
    if facts.actual_grade is None:
        return IndicatorScore(ZERO.quantize(CENT), met=False, deviates=False)
    low, high = qualitative_band(grade=facts.actual_grade, weight=facts.weight, rules=rules)
    score = high if facts.chosen_score is None else _round(facts.chosen_score)
    if not low <= score <= high:
        raise ScoreOutOfBand(low, high)
    order = list(QualitativeGrade)  # ACHIEVED, PARTLY_ACHIEVED, NOT_ACHIEVED
    target = facts.target_grade or QualitativeGrade.ACHIEVED
    return IndicatorScore(score, met=order.index(facts.actual_grade) <= order.index(target), deviates=False)


def score_indicator(*, facts: IndicatorFacts, rules: ScoringRules) -> IndicatorScore:
    if facts.kind == IndicatorKind.QUALITATIVE or facts.comparator == Comparator.GRADE:
        return _qualitative(facts, rules)
    actual, target, weight = facts.actual_value, facts.target_value, facts.weight
    if actual is None or target is None:
        return IndicatorScore(ZERO.quantize(CENT), met=False, deviates=False)
    if facts.comparator == Comparator.LE:
        if actual <= target:
            return IndicatorScore(_round(weight), met=True, deviates=False)
        if target <= 0:
            return IndicatorScore(ZERO.quantize(CENT), met=False, deviates=False)
        return IndicatorScore(_clamp(weight * (2 - actual / target), weight), met=False, deviates=False)
    if facts.comparator == Comparator.EQ:
        if actual == target:
            return IndicatorScore(_round(weight), met=True, deviates=False)
        if rules.eq_indicator_scoring == EqIndicatorScoring.PROPORTIONAL and target > 0:
            return IndicatorScore(_clamp(weight * actual / target, weight), met=False, deviates=False)
        return IndicatorScore(ZERO.quantize(CENT), met=False, deviates=False)
    if actual >= target:
        return IndicatorScore(_round(weight), met=True, deviates=False)
    if target <= 0:
        return IndicatorScore(ZERO.quantize(CENT), met=False, deviates=False)
    return IndicatorScore(_clamp(weight * actual / target, weight), met=False, deviates=False)


def score_execution(*, budget: Decimal, executed: Decimal, rules: ScoringRules) -> ExecutionScore:
    """预算执行率 = executed ÷ budget; its score the rate × the points, capped at the points."""
    if budget == 0:
        return ExecutionScore(None, ZERO.quantize(CENT), reason_required=False)
    rate = _round(executed * HUNDRED / budget)
    score = _clamp(rules.execution_points * executed / budget, rules.execution_points)
    return ExecutionScore(rate, score, reason_required=rate < rules.execution_reason_below)


def grade_of(*, total: Decimal, rules: ScoringRules) -> Grade:
    if total >= rules.grade_excellent_from:
        return Grade.EXCELLENT
    if total >= rules.grade_good_from:
        return Grade.GOOD
    if total >= rules.grade_fair_from:
        return Grade.FAIR
    return Grade.POOR


async def scoring_rules(*, session: AsyncSession, region_id: int, year: int) -> ScoringRules:
    """The region's scoring rules as in force now (the rules keep no history by year)."""
    rules = await rules_for(session=session, region_id=region_id)
    return ScoringRules(
        grade_excellent_from=rules.grade_excellent_from,
        grade_good_from=rules.grade_good_from,
        grade_fair_from=rules.grade_fair_from,
        qualitative_achieved_from=rules.qualitative_achieved_from,
        qualitative_partly_from=rules.qualitative_partly_from,
        execution_points=rules.execution_points,
        execution_reason_below=rules.execution_reason_below,
        eq_indicator_scoring=rules.eq_indicator_scoring,
    )
