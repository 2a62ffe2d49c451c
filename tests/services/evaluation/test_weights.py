"""The weight total (Art. 18 「权重合理」, Art. 23): a goal's weights taken to the region's total when
scored (goals issued under the old total of 100 keep every indicator's share of the 90 points), and fixed
level-1 weights (FORMS §6A)."""

import dataclasses
from decimal import Decimal

import pytest

from src.models.enums import IndicatorCategory
from src.services.evaluation import ScoringRules, goal_weights, scaled_weights

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
