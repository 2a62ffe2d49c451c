"""Art. 9: what an indicator's unit measures (src/services/goals/units.py), and the range of a target that
follows from it and from the comparator."""

from decimal import Decimal

import pytest

from src.models import Indicator
from src.models.enums import Aggregation, Comparator, IndicatorCategory, IndicatorKind
from src.services.errors import ErrorCode
from src.services.goals.units import (
    SUM_UNITS,
    Measure,
    default_aggregation,
    measure_of,
    target_value_problem,
)
from src.services.goals.validation import submission_problems
from src.services.rules import IndicatorCoverage

FIELD = "input.targetValue"


@pytest.mark.parametrize(
    ("unit", "measure"),
    [
        ("%", Measure.PERCENT),
        (" ％ ", Measure.PERCENT),  # full width, as Chinese input methods type it; spaces around
        ("‰", Measure.PERCENT),
        ("百分点", Measure.PERCENT),
        ("万人", Measure.COUNT),
        ("人次", Measure.COUNT),
        ("户", Measure.COUNT),
        ("件", Measure.COUNT),
        ("次", Measure.COUNT),
        ("万元", Measure.AMOUNT),
        ("亿元", Measure.AMOUNT),
        ("元/人", Measure.AMOUNT),  # a rate measures what its numerator does
        ("工作日", Measure.DURATION),
        ("月", Measure.DURATION),
        ("个月", Measure.DURATION),
        ("年", Measure.DURATION),
        ("分", Measure.OTHER),  # a score: not listed
        ("", Measure.OTHER),
        (None, Measure.OTHER),
    ],
)
def test_art9_units_are_classified_by_meaning(unit: str | None, measure: Measure) -> None:
    assert measure_of(unit) == measure


def test_art6_units_that_add_up_are_counts_and_amounts() -> None:
    assert {measure_of(unit) for unit in SUM_UNITS} == {Measure.COUNT, Measure.AMOUNT}
    assert default_aggregation(IndicatorKind.QUANTITATIVE, " 万人 ") == Aggregation.SUM
    assert default_aggregation(IndicatorKind.QUANTITATIVE, "%") == Aggregation.RATE
    assert default_aggregation(IndicatorKind.QUANTITATIVE, "月") == Aggregation.NONE
    assert default_aggregation(IndicatorKind.QUALITATIVE, "万人") == Aggregation.NONE


def _refused(unit: str, comparator: Comparator, target: str) -> str | None:
    problem = target_value_problem(field=FIELD, unit=unit, comparator=comparator, target=Decimal(target))
    if problem is None:
        return None
    assert (problem.field, problem.code) == (FIELD, ErrorCode.OUT_OF_RANGE)
    return problem.message


@pytest.mark.parametrize("comparator", [Comparator.GE, Comparator.EQ])
def test_art9_percent_target_is_not_negative_unless_at_most(comparator: Comparator) -> None:
    message = _refused("%", comparator, "-5")
    assert message is not None and "百分比类指标" in message and "≤" in message


def test_art9_percent_target_at_most_may_be_negative() -> None:
    assert _refused("%", Comparator.LE, "-2") is None  # 支出增长率 ≤ -2%
    assert _refused("百分点", Comparator.LE, "-0.5") is None


@pytest.mark.parametrize("comparator", [Comparator.GE, Comparator.LE, Comparator.EQ])
@pytest.mark.parametrize(
    ("unit", "label"), [("人次", "数量类"), ("万人", "数量类"), ("万元", "金额类"), ("工作日", "时长类")]
)
def test_art9_count_amount_and_duration_targets_are_not_negative(
    unit: str, label: str, comparator: Comparator
) -> None:
    assert _refused(unit, comparator, "-1") == f"{label}指标（单位“{unit}”）的目标值不能为负数"
    assert _refused(unit, comparator, "-0.0001") is not None


@pytest.mark.parametrize("unit", ["%", "人次", "万元", "工作日", "分", ""])
@pytest.mark.parametrize("target", ["0", "-0", "0.0000", "5"])
def test_art9_zero_and_positive_targets_are_accepted(unit: str, target: str) -> None:
    assert _refused(unit, Comparator.GE, target) is None


def test_art9_an_unlisted_unit_may_be_negative_only_at_most() -> None:
    assert _refused("分", Comparator.LE, "-1") is None
    assert _refused("分", Comparator.GE, "-1") == "指标（单位“分”）的目标值不能为负数，指标性质为“≤”时除外"
    assert target_value_problem(field=FIELD, unit="%", comparator=Comparator.GE, target=None) is None


def test_art9_a_stored_negative_target_blocks_submission() -> None:
    """A target kept from before the rule is reported where the goal is submitted, like any other."""
    indicator = Indicator(
        goal_id=1,
        level1=IndicatorCategory.OUTPUT,
        level2="数量",
        level3="参保人数",
        kind=IndicatorKind.QUANTITATIVE,
        comparator=Comparator.GE,
        unit="万人",
        target_value=Decimal("-3"),
        weight=Decimal(100),
    )
    problems = submission_problems(
        [indicator], weight_total=Decimal(100), coverage=IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS
    )
    own = [(p.field, p.code) for p in problems if p.field != "indicators"]  # not the goal's coverage (Art. 9)
    assert own == [("indicators.0.targetValue", ErrorCode.OUT_OF_RANGE)]
