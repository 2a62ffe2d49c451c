"""Scores from the rules (Art. 15–18, 23): FORMS §6's rules for each kind of indicator, the qualitative bands,
the execution points and the grades, table by table, with the province's defaults unless a row says
otherwise (test_scoring_rules.py: reading a region's rules)."""

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from src.models.enums import Comparator, IndicatorKind, QualitativeGrade, label_zh
from src.services.evaluation import (
    Grade,
    IndicatorFacts,
    ScoreOutOfBand,
    ScoringRules,
    grade_of,
    qualitative_band,
    score_execution,
    score_indicator,
)
from src.services.rules.registry import EqIndicatorScoring, LeIndicatorScoring, OverAchievementReduction

D = Decimal
PROVINCE = ScoringRules.province()
ACH, PART, NOT = QualitativeGrade.ACHIEVED, QualitativeGrade.PARTLY_ACHIEVED, QualitativeGrade.NOT_ACHIEVED


def rules(**changes: Any) -> ScoringRules:
    return dataclasses.replace(PROVINCE, **changes)


def quantitative(
    comparator: Comparator, target: str, actual: str | None, weight: str = "10"
) -> IndicatorFacts:
    return IndicatorFacts(
        kind=IndicatorKind.QUANTITATIVE,
        comparator=comparator,
        weight=D(weight),
        target_value=D(target),
        actual_value=None if actual is None else D(actual),
        target_grade=None,
        actual_grade=None,
    )


def qualitative(
    target: QualitativeGrade, actual: QualitativeGrade | None, chosen: str | None = None, weight: str = "10"
) -> IndicatorFacts:
    return IndicatorFacts(
        kind=IndicatorKind.QUALITATIVE,
        comparator=Comparator.GRADE,
        weight=D(weight),
        target_value=None,
        actual_value=None,
        target_grade=target,
        actual_grade=actual,
        chosen_score=None if chosen is None else D(chosen),
    )


# (facts, rules, score, met, deviates); the province's Art. 18 threshold is a deviation of 20 %.
GE, LE, EQ = Comparator.GE, Comparator.LE, Comparator.EQ
BY_DEVIATION = rules(over_achievement_reduction=OverAchievementReduction.BY_DEVIATION)
CASES: dict[str, tuple[IndicatorFacts, ScoringRules, str, bool, bool]] = {
    # 正向: met → the full weight; else weight × actual ÷ target.
    "ge_met_exactly": (quantitative(GE, "95", "95"), PROVINCE, "10.00", True, False),
    "ge_above": (quantitative(GE, "95", "99"), PROVINCE, "10.00", True, False),
    "ge_below_proportional": (quantitative(GE, "80", "60"), PROVINCE, "7.50", False, True),
    "ge_just_below_not_deviating": (quantitative(GE, "100", "81"), PROVINCE, "8.10", False, False),
    "ge_rounded_half_up": (quantitative(GE, "3", "2"), PROVINCE, "6.67", False, True),
    "ge_negative_actual_scores_nothing": (quantitative(GE, "50", "-5"), PROVINCE, "0.00", False, True),
    "ge_zero_target_met": (quantitative(GE, "0", "0"), PROVINCE, "10.00", True, False),
    "ge_zero_target_missed": (quantitative(GE, "0", "-1"), PROVINCE, "0.00", False, False),
    "ge_not_reported": (quantitative(GE, "95", None), PROVINCE, "0.00", False, False),
    # Far above the target: met, explained (Art. 18), and by default never reduced …
    "ge_far_above_kept": (quantitative(GE, "100", "150"), PROVINCE, "10.00", True, True),
    "ge_deviation_edge_20": (quantitative(GE, "100", "120"), PROVINCE, "10.00", True, True),
    "ge_deviation_below_edge": (quantitative(GE, "100", "119.99"), PROVINCE, "10.00", True, False),
    # … unless the region reduces it: above 120 % of the target, weight × 120 ÷ completion.
    "ge_reduced_at_threshold": (quantitative(GE, "100", "120"), BY_DEVIATION, "10.00", True, True),
    "ge_reduced_above": (quantitative(GE, "100", "150"), BY_DEVIATION, "8.00", True, True),
    "ge_reduced_twice_threshold": (quantitative(GE, "100", "240"), BY_DEVIATION, "5.00", True, True),
    # 反向: met → full; target < actual < 2 × target → weight × (1 − (actual − target) ÷ target); 2× → 0.
    "le_met": (quantitative(LE, "20", "15"), PROVINCE, "10.00", True, True),
    "le_met_exactly": (quantitative(LE, "20", "20"), PROVINCE, "10.00", True, False),
    "le_above_linear": (quantitative(LE, "20", "25"), PROVINCE, "7.50", False, True),
    "le_just_below_twice": (quantitative(LE, "20", "39.98"), PROVINCE, "0.01", False, True),
    "le_twice_target": (quantitative(LE, "20", "40"), PROVINCE, "0.00", False, True),
    "le_beyond_twice": (quantitative(LE, "20", "55"), PROVINCE, "0.00", False, True),
    "le_ratio_variant": (
        quantitative(LE, "20", "25"),
        rules(le_indicator_scoring=LeIndicatorScoring.RATIO),
        "8.00",
        False,
        True,
    ),
    "le_ratio_variant_beyond_twice": (
        quantitative(LE, "20", "50"),
        rules(le_indicator_scoring=LeIndicatorScoring.RATIO),
        "4.00",
        False,
        True,
    ),
    "le_negative_target_met": (quantitative(LE, "-2", "-3"), PROVINCE, "10.00", True, True),
    "le_negative_target_above": (quantitative(LE, "-2", "-1"), PROVINCE, "5.00", False, True),
    "le_negative_target_at_zero": (quantitative(LE, "-2", "0"), PROVINCE, "0.00", False, True),
    "le_zero_target_above": (quantitative(LE, "0", "1"), PROVINCE, "0.00", False, False),
    # 等于: a zero target is met by an actual ≤ 0, else nothing; otherwise as 正向, all or nothing by default.
    "eq_zero_target_met": (quantitative(EQ, "0", "0"), PROVINCE, "10.00", True, False),
    "eq_zero_target_below": (quantitative(EQ, "0", "-1"), PROVINCE, "10.00", True, False),
    "eq_zero_target_missed": (quantitative(EQ, "0", "0.01"), PROVINCE, "0.00", False, False),
    "eq_zero_target_missed_proportional": (
        quantitative(EQ, "0", "3"),
        rules(eq_indicator_scoring=EqIndicatorScoring.PROPORTIONAL),
        "0.00",
        False,
        False,
    ),
    "eq_met": (quantitative(EQ, "100", "100"), PROVINCE, "10.00", True, False),
    "eq_missed_all_or_nothing": (quantitative(EQ, "100", "98"), PROVINCE, "0.00", False, False),
    "eq_missed_proportional": (
        quantitative(EQ, "100", "98"),
        rules(eq_indicator_scoring=EqIndicatorScoring.PROPORTIONAL),
        "9.80",
        False,
        False,
    ),
    # Qualitative: the chosen score within the band of the grade reached; not chosen → the band's top.
    "qual_achieved_full": (qualitative(ACH, ACH), PROVINCE, "10.00", True, False),
    "qual_achieved_at_80": (qualitative(ACH, ACH, "8"), PROVINCE, "8.00", True, False),
    "qual_partly_top": (qualitative(ACH, PART, "7.99"), PROVINCE, "7.99", False, False),
    "qual_partly_at_60": (qualitative(ACH, PART, "6.00"), PROVINCE, "6.00", False, False),
    "qual_partly_meets_partly": (qualitative(PART, PART), PROVINCE, "7.99", True, False),
    "qual_not_achieved_top": (qualitative(ACH, NOT, "5.99"), PROVINCE, "5.99", False, False),
    "qual_not_achieved_zero": (qualitative(PART, NOT, "0"), PROVINCE, "0.00", False, False),
    "qual_not_reported": (qualitative(ACH, None), PROVINCE, "0.00", False, False),
}


@pytest.mark.parametrize(("facts", "given", "score", "met", "deviates"), CASES.values(), ids=CASES.keys())
def test_forms6_indicator_scores(
    facts: IndicatorFacts, given: ScoringRules, score: str, met: bool, deviates: bool
) -> None:
    scored = score_indicator(facts=facts, rules=given)
    assert (scored.score, scored.met, scored.deviates) == (D(score), met, deviates)
    assert f"{scored.score:f}" == score  # two places
    assert D(0) <= scored.score <= facts.weight


@pytest.mark.parametrize(
    ("facts", "given", "required"),
    [
        (quantitative(GE, "100", "100"), PROVINCE, False),  # met, on target
        (quantitative(GE, "100", "90"), PROVINCE, True),  # 未完成绩效目标
        (quantitative(GE, "100", "130"), PROVINCE, True),  # met, but 偏离绩效目标较大
        (quantitative(GE, "100", "130"), rules(deviation_cause_from=D(50)), False),  # the region's threshold
        (quantitative(LE, "10", "7"), PROVINCE, True),  # far below a ceiling: a deviation too
        (qualitative(ACH, ACH, "9"), PROVINCE, False),
        (qualitative(ACH, PART, "7"), PROVINCE, True),
    ],
)
def test_art18_a_cause_is_required_when_not_met_or_far_off(
    facts: IndicatorFacts, given: ScoringRules, required: bool
) -> None:
    assert score_indicator(facts=facts, rules=given).cause_required is required


BANDS: dict[str, tuple[QualitativeGrade, str, ScoringRules, str, str]] = {
    "achieved": (ACH, "10", PROVINCE, "8.00", "10.00"),
    "partly": (PART, "10", PROVINCE, "6.00", "7.99"),
    "not_achieved": (NOT, "10", PROVINCE, "0.00", "5.99"),
    "uneven_weight_rounds_edges_up": (ACH, "3.33", PROVINCE, "2.67", "3.33"),
    "uneven_weight_partly": (PART, "3.33", PROVINCE, "2.00", "2.66"),
    "hubei_style_50": (PART, "10", rules(qualitative_partly_from=D(50)), "5.00", "7.99"),
}


@pytest.mark.parametrize(("grade", "weight", "given", "low", "high"), BANDS.values(), ids=BANDS.keys())
def test_forms6_qualitative_bands(
    grade: QualitativeGrade, weight: str, given: ScoringRules, low: str, high: str
) -> None:
    assert qualitative_band(grade=grade, weight=D(weight), rules=given) == (D(low), D(high))


@pytest.mark.parametrize(
    ("actual", "chosen", "low", "high"),
    [
        (ACH, "7.99", "8.00", "10.00"),
        (ACH, "10.01", "8.00", "10.00"),
        (PART, "8.00", "6.00", "7.99"),
        (PART, "5.99", "6.00", "7.99"),
        (PART, "7.995", "6.00", "7.99"),  # never rounded into the band above
        (NOT, "6.00", "0.00", "5.99"),
        (NOT, "-0.01", "0.00", "5.99"),
    ],
)
def test_forms6_a_qualitative_score_outside_its_band_is_refused(
    actual: QualitativeGrade, chosen: str, low: str, high: str
) -> None:
    with pytest.raises(ScoreOutOfBand) as refused:
        score_indicator(facts=qualitative(ACH, actual, chosen), rules=PROVINCE)
    assert (refused.value.low, refused.value.high) == (D(low), D(high))
    problem = refused.value.problem("input.indicators.0.score")
    assert problem.code == "OUT_OF_RANGE" and low in problem.message


EXECUTION: dict[str, tuple[str, str, ScoringRules, str | None, str, bool]] = {
    "full": ("1000", "1000", PROVINCE, "100.00", "10.00", False),
    "over_capped": ("1000", "1200", PROVINCE, "120.00", "10.00", False),
    "at_reason_edge": ("1000", "900", PROVINCE, "90.00", "9.00", False),
    "below_reason_edge": ("1000", "899.9", PROVINCE, "89.99", "9.00", True),
    "half": ("200", "100", PROVINCE, "50.00", "5.00", True),
    "regions_20_points": ("1000", "850", rules(execution_points=D(20)), "85.00", "17.00", True),
    "no_budget_nothing_spent": ("0", "0", PROVINCE, None, "10.00", False),
    "no_budget_spent": ("0", "5", PROVINCE, None, "0.00", True),
}


@pytest.mark.parametrize(
    ("budget", "executed", "given", "rate", "score", "reason"), EXECUTION.values(), ids=EXECUTION.keys()
)
def test_forms2b_execution_points(
    budget: str, executed: str, given: ScoringRules, rate: str | None, score: str, reason: bool
) -> None:
    scored = score_execution(budget=D(budget), executed=D(executed), rules=given)
    assert scored.rate == (None if rate is None else D(rate))
    assert (scored.score, scored.reason_required) == (D(score), reason)


@pytest.mark.parametrize(
    ("total", "given", "grade"),
    [
        ("100", PROVINCE, Grade.EXCELLENT),
        ("90", PROVINCE, Grade.EXCELLENT),
        ("89.99", PROVINCE, Grade.GOOD),
        ("80", PROVINCE, Grade.GOOD),
        ("79.99", PROVINCE, Grade.FAIR),
        ("60", PROVINCE, Grade.FAIR),
        ("59.99", PROVINCE, Grade.POOR),
        ("0", PROVINCE, Grade.POOR),
        # A deployment's 80 / 70 / 60 (FORMS §6D: configurable).
        ("80", rules(grade_excellent_from=D(80), grade_good_from=D(70)), Grade.EXCELLENT),
        ("79.99", rules(grade_excellent_from=D(80), grade_good_from=D(70)), Grade.GOOD),
    ],
)
def test_forms6d_grades_from_the_bands(total: str, given: ScoringRules, grade: Grade) -> None:
    assert grade_of(total=D(total), rules=given) == grade


def test_forms6d_grades_have_their_chinese_labels() -> None:
    assert [label_zh(g) for g in Grade] == ["优", "良", "中", "差"]


def test_art23_the_province_defaults_are_the_registry_values() -> None:
    assert PROVINCE.grade_excellent_from == D(90) and PROVINCE.execution_points == D(10)
    assert PROVINCE.indicator_weight_total == D(90)  # the Sichuan form: 90 + 10
    assert PROVINCE.eq_indicator_scoring == EqIndicatorScoring.ALL_OR_NOTHING
    assert PROVINCE.le_indicator_scoring == LeIndicatorScoring.LINEAR_TO_DOUBLE
    assert PROVINCE.over_achievement_reduction == OverAchievementReduction.NONE
    assert (PROVINCE.over_achievement_from, PROVINCE.deviation_cause_from) == (D(120), D(20))
    assert PROVINCE.level1_weights is None
