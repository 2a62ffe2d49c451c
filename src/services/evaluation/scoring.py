"""Scores from the rules (Art. 15–18, 23; FORMS §6, DOMAIN §10): an indicator's score against its target, the
budget execution's points, the grade of a total. Pure functions over the facts and a region's ScoringRules,
read once per region and year (`scoring_rules`, the only function that touches the database).

The arithmetic is in quantitative.py and qualitative.py; weights.py takes a goal's weights to the region's
total (goals issued under another total, and fixed level-1 weights).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import Comparator, IndicatorCategory, IndicatorKind, QualitativeGrade, add_labels
from src.services.errors import DomainError, ErrorCode, FieldProblem
from src.services.evaluation import qualitative, quantitative
from src.services.rules.reads import RuleSet, rules_for
from src.services.rules.registry import (
    DEFINITION,
    EqIndicatorScoring,
    LeIndicatorScoring,
    OverAchievementReduction,
    RuleKey,
)

CENT = Decimal("0.01")
ZERO, HUNDRED = Decimal(0), Decimal(100)
K = RuleKey


def _province(key: RuleKey) -> Any:
    """The province's built-in value of `key` (registry.py): the default of a ScoringRules field."""
    return DEFINITION[key].typed(DEFINITION[key].default)


EQ_SCORING: EqIndicatorScoring = _province(K.EQ_INDICATOR_SCORING)
LE_SCORING: LeIndicatorScoring = _province(K.LE_INDICATOR_SCORING)
OVER_REDUCTION: OverAchievementReduction = _province(K.OVER_ACHIEVEMENT_REDUCTION)
OVER_FROM: Decimal = _province(K.OVER_ACHIEVEMENT_FROM)
DEVIATION_FROM: Decimal = _province(K.DEVIATION_CAUSE_FROM)
WEIGHT_TOTAL: Decimal = _province(K.INDICATOR_WEIGHT_TOTAL)


class Grade(StrEnum):  # 评价等级
    EXCELLENT = "EXCELLENT"  # 优
    GOOD = "GOOD"  # 良
    FAIR = "FAIR"  # 中
    POOR = "POOR"  # 差


add_labels([(Grade.EXCELLENT, "优"), (Grade.GOOD, "良"), (Grade.FAIR, "中"), (Grade.POOR, "差")])


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
    # The further fields, each with the province's default (registry.py):
    eq_indicator_scoring: EqIndicatorScoring = EQ_SCORING
    le_indicator_scoring: LeIndicatorScoring = LE_SCORING
    over_achievement_reduction: OverAchievementReduction = OVER_REDUCTION
    over_achievement_from: Decimal = OVER_FROM  # completion (percent of the target) reduced above
    deviation_cause_from: Decimal = DEVIATION_FROM  # Art. 18: deviation (percent of the target) to explain
    indicator_weight_total: Decimal = WEIGHT_TOTAL  # a goal's weights are taken to it (weights.py)
    level1_weights: Mapping[IndicatorCategory, Decimal] | None = None  # None: distributed freely

    @classmethod
    def of(cls, rules: RuleSet) -> "ScoringRules":
        """The scoring part of a region's rules in force."""
        return cls(
            grade_excellent_from=rules.grade_excellent_from,
            grade_good_from=rules.grade_good_from,
            grade_fair_from=rules.grade_fair_from,
            qualitative_achieved_from=rules.qualitative_achieved_from,
            qualitative_partly_from=rules.qualitative_partly_from,
            execution_points=rules.execution_points,
            execution_reason_below=rules.execution_reason_below,
            eq_indicator_scoring=rules.eq_indicator_scoring,
            le_indicator_scoring=rules.le_indicator_scoring,
            over_achievement_reduction=rules.over_achievement_reduction,
            over_achievement_from=rules.over_achievement_from,
            deviation_cause_from=rules.deviation_cause_from,
            indicator_weight_total=rules.indicator_weight_total,
            level1_weights=rules.fixed_level1_weights(),
        )

    @classmethod
    def province(cls) -> "ScoringRules":
        """The province's built-in rules (no region's own)."""
        return cls(
            grade_excellent_from=_province(K.GRADE_EXCELLENT_FROM),
            grade_good_from=_province(K.GRADE_GOOD_FROM),
            grade_fair_from=_province(K.GRADE_FAIR_FROM),
            qualitative_achieved_from=_province(K.QUALITATIVE_ACHIEVED_FROM),
            qualitative_partly_from=_province(K.QUALITATIVE_PARTLY_FROM),
            execution_points=_province(K.EXECUTION_POINTS),
            execution_reason_below=_province(K.EXECUTION_REASON_BELOW),
        )


@dataclass(frozen=True)
class IndicatorFacts:
    kind: IndicatorKind
    comparator: Comparator  # GE / LE / EQ / GRADE
    weight: Decimal
    target_value: Decimal | None  # quantitative
    actual_value: Decimal | None  # quantitative; None = not reported
    target_grade: QualitativeGrade | None  # qualitative
    actual_grade: QualitativeGrade | None  # qualitative
    chosen_score: Decimal | None = None  # qualitative: the evaluator's score, within the actual grade's band


@dataclass(frozen=True)
class IndicatorScore:
    score: Decimal  # 0 .. weight, 2 decimals
    met: bool  # the target is met
    deviates: bool  # Art. 18 「偏离绩效目标较大」 by the rule's threshold (also possible when met)

    @property
    def cause_required(self) -> bool:
        """Art. 18: 「对未完成绩效目标或偏离绩效目标较大的，应分析并说明原因」."""
        return not self.met or self.deviates


@dataclass(frozen=True)
class ExecutionScore:
    rate: Decimal | None  # executed ÷ budget × 100, None when the budget is 0
    score: Decimal
    reason_required: bool


class ScoreOutOfBand(DomainError):
    """A qualitative chosen_score outside the band of the grade reached; carries .low, .high (inclusive)."""

    def __init__(self, *, score: Decimal, low: Decimal, high: Decimal) -> None:
        self.score, self.low, self.high = score, low, high
        super().__init__(f"得分 {score:f} 超出该完成等级的分值区间（{low:f}–{high:f}）")

    def problem(self, field: str) -> FieldProblem:
        """The refusal as a field's problem (ValidationFailed)."""
        return FieldProblem(field, self.message, ErrorCode.OUT_OF_RANGE)


NOT_REPORTED = IndicatorScore(score=ZERO.quantize(CENT), met=False, deviates=False)


def _points(weight: Decimal, share: Decimal) -> Decimal:
    return min(weight, max(ZERO, weight * share)).quantize(CENT, rounding=ROUND_HALF_UP)


def qualitative_band(
    *, grade: QualitativeGrade, weight: Decimal, rules: ScoringRules
) -> tuple[Decimal, Decimal]:
    """The lowest and highest score of `grade` for `weight`, in cents, both inclusive (qualitative.py)."""
    return qualitative.band(
        grade=grade,
        weight=weight,
        achieved_from=rules.qualitative_achieved_from,
        partly_from=rules.qualitative_partly_from,
    )


def _qualitative(facts: IndicatorFacts, rules: ScoringRules) -> IndicatorScore:
    if facts.actual_grade is None or facts.target_grade is None:
        return NOT_REPORTED
    low, high = qualitative_band(grade=facts.actual_grade, weight=facts.weight, rules=rules)
    chosen = facts.chosen_score
    if chosen is None:
        chosen = max(high, ZERO)  # not chosen yet: the top of the band (达成: the full weight)
    elif not low <= chosen <= high:
        raise ScoreOutOfBand(score=chosen, low=low, high=high)
    met = qualitative.reached(target=facts.target_grade, actual=facts.actual_grade)
    return IndicatorScore(score=chosen.quantize(CENT), met=met, deviates=False)


def _quantitative(facts: IndicatorFacts, rules: ScoringRules) -> IndicatorScore:
    actual, target = facts.actual_value, facts.target_value
    if actual is None or target is None:
        return NOT_REPORTED
    match facts.comparator:
        case Comparator.LE:
            share, met = quantitative.less_or_equal(
                actual=actual, target=target, scoring=rules.le_indicator_scoring
            )
        case Comparator.EQ:
            share, met = quantitative.equal(
                actual=actual,
                target=target,
                scoring=rules.eq_indicator_scoring,
                reduction=rules.over_achievement_reduction,
                over_from=rules.over_achievement_from,
            )
        case _:
            share, met = quantitative.greater_or_equal(
                actual=actual,
                target=target,
                reduction=rules.over_achievement_reduction,
                over_from=rules.over_achievement_from,
            )
    off = quantitative.deviation(actual=actual, target=target)
    deviates = off is not None and off >= rules.deviation_cause_from
    return IndicatorScore(score=_points(facts.weight, share), met=met, deviates=deviates)


def score_indicator(*, facts: IndicatorFacts, rules: ScoringRules) -> IndicatorScore:
    """An indicator's score, whether its target is met and whether it deviates greatly (Art. 18). A
    qualitative chosen_score outside its grade's band raises ScoreOutOfBand."""
    if facts.kind == IndicatorKind.QUALITATIVE or facts.comparator == Comparator.GRADE:
        return _qualitative(facts, rules)
    return _quantitative(facts, rules)


def score_execution(*, budget: Decimal, executed: Decimal, rules: ScoringRules) -> ExecutionScore:
    """预算执行率 (executed ÷ budget, two places) × the execution points, at most the points; a reason is
    required below EXECUTION_REASON_BELOW (FORMS §2B). With no budget the rate is None: nothing executed
    earns the points, anything executed none, with a reason."""
    if budget == 0:
        spent = executed != 0
        score = ZERO if spent else rules.execution_points
        return ExecutionScore(rate=None, score=score, reason_required=spent)
    rate = (executed * HUNDRED / budget).quantize(CENT, rounding=ROUND_HALF_UP)
    score = _points(rules.execution_points, min(rate, HUNDRED) / HUNDRED)
    return ExecutionScore(rate=rate, score=score, reason_required=rate < rules.execution_reason_below)


def grade_of(*, total: Decimal, rules: ScoringRules) -> Grade:
    """The grade of a total score by the region's bands (FORMS §6D: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差)."""
    if total >= rules.grade_excellent_from:
        return Grade.EXCELLENT
    if total >= rules.grade_good_from:
        return Grade.GOOD
    if total >= rules.grade_fair_from:
        return Grade.FAIR
    return Grade.POOR


async def scoring_rules(*, session: AsyncSession, region_id: int, year: int) -> ScoringRules:
    """The scoring rules in force in the region `region_id` (its own, else its prefecture's, else the
    province's: Art. 23). Rules are not kept per year yet: `year` reads the values in force now."""
    del year  # the rules in force today apply to every year (regional rules have no year yet)
    return ScoringRules.of(await rules_for(session=session, region_id=region_id))
