"""The weight total (Art. 18 「权重合理」, Art. 23): a goal's weights taken to the region's total when
scored (goals issued under the old total of 100 keep every indicator's share of the 90 points), and fixed
level-1 weights (FORMS §6A)."""

import dataclasses
from decimal import Decimal

import pytest

from src.models.enums import Comparator, IndicatorCategory, IndicatorKind
from src.services.evaluation import (
    Grade,
    IndicatorFacts,
    ScoringRules,
    goal_weights,
    grade_of,
    scaled_weights,
    score_execution,
    score_indicator,
)

D = Decimal
C = IndicatorCategory
PROVINCE = ScoringRules.province()


@pytest.mark.parametrize(
    ("weights", "total", "expected"),
    [
        (["60", "30"], "90", ["60", "30"]),  # at the total: as issued
        (["50", "30", "20"], "90", ["45.00", "27.00", "18.00"]),  # issued under 100
        (["5"] * 20, "90", ["4.50"] * 20),
        (["33.34", "33.33", "33.33"], "90", ["30.00", "30.00", "30.00"]),  # cents by largest remainder
        (["1", "1", "1"], "2", ["0.67", "0.67", "0.66"]),  # ties: the first first
        (["10"] * 3, "100", ["33.34", "33.33", "33.33"]),
    ],
)
def test_art23_a_goal_under_another_total_is_scaled_to_the_rules_total(
    weights: list[str], total: str, expected: list[str]
) -> None:
    scaled = scaled_weights(weights=[D(w) for w in weights], total=D(total))
    assert scaled == [D(e) for e in expected]
    assert sum(scaled, D(0)) == D(total)


def test_forms6a_fixed_level1_weights_take_each_category_to_its_points() -> None:
    fixed = {C.DECISION: D(10), C.PROCESS: D(10), C.OUTPUT: D(40), C.BENEFIT: D(30)}
    rules = dataclasses.replace(PROVINCE, level1_weights=fixed)
    indicators = [
        (C.OUTPUT, D(30)),
        (C.DECISION, D(5)),
        (C.OUTPUT, D(30)),
        (C.PROCESS, D(5)),
        (C.BENEFIT, D(30)),
    ]
    assert goal_weights(indicators=indicators, rules=rules) == [D(20), D(10), D(20), D(10), D(30)]


def test_forms6a_a_goal_missing_a_fixed_category_is_scaled_as_a_whole() -> None:
    fixed = {C.DECISION: D(10), C.PROCESS: D(10), C.OUTPUT: D(40), C.BENEFIT: D(30)}
    rules = dataclasses.replace(PROVINCE, level1_weights=fixed)
    indicators = [(C.OUTPUT, D(50)), (C.BENEFIT, D(50))]
    assert goal_weights(indicators=indicators, rules=rules) == [D(45), D(45)]


def test_sichuan_form_free_weights_are_taken_to_the_total() -> None:
    indicators = [(C.OUTPUT, D(60)), (C.BENEFIT, D(40))]  # issued under the old 100
    assert goal_weights(indicators=indicators, rules=PROVINCE) == [D(54), D(36)]


def test_art23_a_goal_issued_under_100_is_scored_on_the_90_points_beside_execution() -> None:
    """Weights as issued 60 + 40 (the old total); every target met and the budget fully executed: 54 + 36 +
    10 = 100, never 110; half of the first indicator's target: 27 + 36 + 10 = 73, 中."""
    categories = [C.OUTPUT, C.BENEFIT]
    weights = goal_weights(indicators=list(zip(categories, [D(60), D(40)], strict=True)), rules=PROVINCE)
    execution = score_execution(budget=D(1000), executed=D(1000), rules=PROVINCE).score

    def total(first_actual: str) -> Decimal:
        scores = [
            score_indicator(facts=facts(weights[0], first_actual), rules=PROVINCE).score,
            score_indicator(facts=facts(weights[1], "100"), rules=PROVINCE).score,
        ]
        return sum(scores, execution)

    assert total("100") == D(100) and grade_of(total=total("100"), rules=PROVINCE) == Grade.EXCELLENT
    assert total("50") == D(73) and grade_of(total=total("50"), rules=PROVINCE) == Grade.FAIR


def facts(weight: Decimal, actual: str) -> IndicatorFacts:
    return IndicatorFacts(
        kind=IndicatorKind.QUANTITATIVE,
        comparator=Comparator.GE,
        weight=weight,
        target_value=D(100),
        actual_value=D(actual),
        target_grade=None,
        actual_grade=None,
    )
