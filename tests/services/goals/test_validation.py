"""src/services/goals/validation.py: whether one indicator, and a goal's set of indicators, is complete and
consistent (Art. 8, 9, 18, 23), and what a pooling region may change on an inherited one (Art. 6). Pure
functions: no database. Each problem is a FieldProblem naming the input path."""

from decimal import Decimal
from typing import Any

import pytest

from src.models import Indicator
from src.models.enums import Aggregation, Comparator, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.services.errors import ErrorCode, FieldProblem
from src.services.goals.validation import (
    duplicate_name,
    indicator_problems,
    stricter_problems,
    submission_problems,
)
from src.services.rules import IndicatorCoverage

HUNDRED = Decimal(100)


def problems_besides_coverage(rows: list[Indicator], total: Decimal) -> list[FieldProblem]:
    """submission_problems without Art. 9's coverage (test_validation_coverage.py has those): these goals are
    about one indicator's consistency and the weights."""
    found = submission_problems(
        rows, weight_total=total, coverage=IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS
    )
    return [p for p in found if "第九条" not in p.message]


def quantitative(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "level1": IndicatorCategory.OUTPUT,
        "level2": "数量",
        "level3": "参保率",
        "kind": IndicatorKind.QUANTITATIVE,
        "comparator": Comparator.GE,
        "target_value": Decimal(95),
        "target_grade": None,
        "unit": "%",
        "aggregation": Aggregation.RATE,
        "weight": Decimal(25),
    }
    return {**values, **changes}


def qualitative(**changes: Any) -> dict[str, Any]:
    return quantitative(
        **{
            "level3": "绩效目标设置合理性",
            "kind": IndicatorKind.QUALITATIVE,
            "comparator": Comparator.GRADE,
            "target_value": None,
            "target_grade": QualitativeGrade.ACHIEVED,
            "unit": "",
            "aggregation": Aggregation.NONE,
            **changes,
        }
    )


def indicator(values: dict[str, Any], **stored: Any) -> Indicator:
    return Indicator(goal_id=1, **{**values, **stored})


def problems_of(values: dict[str, Any], total: Decimal = HUNDRED) -> list[tuple[str, ErrorCode]]:
    return [(p.field, p.code) for p in indicator_problems(values, "input", total)]


# --- one indicator (Art. 9) ---------------------------------------------------------------------------------


def test_art9_consistent_indicators_have_no_problem() -> None:
    assert indicator_problems(quantitative()) == []
    assert indicator_problems(qualitative()) == []


def test_art9_a_quantitative_indicator_has_a_comparator_a_value_and_a_unit() -> None:
    values = quantitative(
        comparator=Comparator.GRADE, target_value=None, target_grade=QualitativeGrade.ACHIEVED, unit=" "
    )
    assert indicator_problems(values) == [
        FieldProblem("input.comparator", "定量指标的指标性质应为 ≥、≤ 或 =", ErrorCode.INVALID),
        FieldProblem("input.targetValue", "定量指标须填写数值型指标值", ErrorCode.REQUIRED),
        FieldProblem("input.targetGrade", "定量指标不填写定性等级", ErrorCode.INVALID),
        FieldProblem("input.unit", "定量指标须填写度量单位", ErrorCode.REQUIRED),
    ]


def test_art9_a_qualitative_indicator_has_a_grade_no_value_and_is_not_split() -> None:
    values = qualitative(
        comparator=Comparator.GE, target_value=Decimal(3), target_grade=None, aggregation=Aggregation.SUM
    )
    assert problems_of(values) == [
        ("input.comparator", ErrorCode.INVALID),
        ("input.targetGrade", ErrorCode.REQUIRED),
        ("input.targetValue", ErrorCode.INVALID),
        ("input.aggregation", ErrorCode.INVALID),
    ]


def test_art9_both_names_are_required() -> None:
    assert problems_of(quantitative(level2=" ", level3="")) == [
        ("input.level2", ErrorCode.REQUIRED),
        ("input.level3", ErrorCode.REQUIRED),
    ]


@pytest.mark.parametrize(
    ("weight", "total", "code"),
    [
        (Decimal("0.01"), HUNDRED, None),
        (HUNDRED, HUNDRED, None),
        (Decimal(0), HUNDRED, ErrorCode.OUT_OF_RANGE),
        (Decimal(-5), HUNDRED, ErrorCode.OUT_OF_RANGE),
        (Decimal("100.01"), HUNDRED, ErrorCode.OUT_OF_RANGE),
        (Decimal("12.345"), HUNDRED, ErrorCode.OUT_OF_RANGE),  # two places at most
        (Decimal(95), Decimal(90), ErrorCode.OUT_OF_RANGE),  # a region whose weights total 90
        (None, HUNDRED, ErrorCode.REQUIRED),
    ],
)
def test_art23_a_weight_is_above_zero_and_at_most_the_regions_total(
    weight: Decimal | None, total: Decimal, code: ErrorCode | None
) -> None:
    expected = [] if code is None else [("input.weight", code)]
    assert problems_of(quantitative(weight=weight), total) == expected


def test_art23_the_weight_message_names_the_regions_total() -> None:
    [problem] = indicator_problems(quantitative(weight=Decimal(95)), "input.items.3", Decimal(90))
    assert problem == FieldProblem(
        "input.items.3.weight", "权重应大于 0、不超过 90，最多两位小数", ErrorCode.OUT_OF_RANGE
    )


# --- names (Art. 9) -----------------------------------------------------------------------------------------


def test_art9_a_level3_name_is_used_once_per_goal() -> None:
    stored = indicator(quantitative(), id=7)
    unstored = indicator(quantitative(level3="待遇按时足额发放率"))  # picked earlier in the same call
    duplicate = [FieldProblem("input.level3", "本目标已有三级指标“参保率”", ErrorCode.DUPLICATE)]
    assert duplicate_name([stored], " 参保率 ", None, "input") == duplicate  # compared trimmed
    assert duplicate_name([stored], "参保率", 7, "input") == []  # an edit keeps its own name
    assert duplicate_name([stored], "参保率", 8, "input") == duplicate
    assert duplicate_name([unstored], "待遇按时足额发放率", None, "input.items.1")[0].field == (
        "input.items.1.level3"
    )


# --- the whole goal before it leaves its drafter (Art. 18, 23) ----------------------------------------------


def test_art18_a_goal_has_at_least_one_indicator() -> None:
    assert problems_besides_coverage([], HUNDRED) == [
        FieldProblem("indicators", "目标至少须有一个绩效指标", ErrorCode.REQUIRED)
    ]


def test_art18_the_weights_total_the_regions_total() -> None:
    four = [indicator(quantitative(level3=f"指标{n}")) for n in range(4)]
    assert problems_besides_coverage(four, HUNDRED) == []
    assert problems_besides_coverage(four, Decimal(90)) == [
        FieldProblem("indicators", "指标权重合计应为 90，当前为 100", ErrorCode.INVALID)
    ]


def test_art23_fixed_level1_weights_total_each_categorys_points() -> None:
    rows = [
        indicator(quantitative(level3="参保率", level1=IndicatorCategory.OUTPUT, weight=Decimal(40))),
        indicator(quantitative(level3="满意度", level1=IndicatorCategory.BENEFIT, weight=Decimal(30))),
        indicator(qualitative(level3="决策", level1=IndicatorCategory.DECISION, weight=Decimal(10))),
        indicator(qualitative(level3="过程", level1=IndicatorCategory.PROCESS, weight=Decimal(10))),
    ]
    fixed = {
        IndicatorCategory.DECISION: Decimal(10),
        IndicatorCategory.PROCESS: Decimal(10),
        IndicatorCategory.OUTPUT: Decimal(35),
        IndicatorCategory.BENEFIT: Decimal(35),
    }
    coverage = IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS
    assert submission_problems(rows, weight_total=Decimal(90), coverage=coverage) == []  # free by default
    found = submission_problems(rows, weight_total=Decimal(90), coverage=coverage, level1_weights=fixed)
    assert [p.message.split("（")[0] for p in found] == [
        "产出类指标权重合计应为 35，当前为 40",
        "效益类指标权重合计应为 35，当前为 30",
    ]


def test_art18_each_problem_names_the_indicators_position() -> None:
    rows = [
        indicator(quantitative(weight=Decimal(50))),
        indicator(quantitative(level3="基金支出预算执行率", unit="", weight=Decimal(30))),
        indicator(qualitative(level3=" 参保率", weight=Decimal(10))),
    ]
    assert [(p.field, p.code) for p in problems_besides_coverage(rows, HUNDRED)] == [
        ("indicators.1.unit", ErrorCode.REQUIRED),
        ("indicators.2.level3", ErrorCode.DUPLICATE),
        ("indicators", ErrorCode.INVALID),  # 90 of 100
    ]


# --- inherited indicators (Art. 6) --------------------------------------------------------------------------


def inherited(values: dict[str, Any]) -> Indicator:
    return indicator(
        values,
        id=3,
        inherited_from_id=1,
        assigned_target_value=values["target_value"],
        assigned_target_grade=values["target_grade"],
    )


@pytest.mark.parametrize(
    ("comparator", "target", "locked"),
    [
        (Comparator.GE, Decimal(101), False),
        (Comparator.GE, Decimal(99), True),
        (Comparator.LE, Decimal(99), False),
        (Comparator.LE, Decimal(101), True),
        (Comparator.EQ, Decimal(100), False),
        (Comparator.EQ, Decimal(101), True),
        (Comparator.GE, None, True),  # clearing it is no stricter
    ],
)
def test_art6_an_inherited_target_may_only_become_stricter(
    comparator: Comparator, target: Decimal | None, locked: bool
) -> None:
    given = inherited(quantitative(comparator=comparator, target_value=HUNDRED))
    problems = stricter_problems(given, {"target_value": target}, "input")
    assert [(p.field, p.code) for p in problems] == (
        [("input.targetValue", ErrorCode.LOCKED)] if locked else []
    )


def test_art6_an_inherited_grade_is_not_lowered() -> None:
    given = inherited(qualitative(target_grade=QualitativeGrade.PARTLY_ACHIEVED))
    assert stricter_problems(given, {"target_grade": QualitativeGrade.ACHIEVED}, "input") == []
    for lower in (QualitativeGrade.NOT_ACHIEVED, None):
        assert stricter_problems(given, {"target_grade": lower}, "input") == [
            FieldProblem("input.targetGrade", "分解下达的定性目标等级不能降低", ErrorCode.LOCKED)
        ]


def test_art6_only_the_target_and_the_weight_of_an_inherited_indicator_change() -> None:
    given = inherited(quantitative(target_value=HUNDRED))
    assert stricter_problems(given, {"weight": Decimal(40), "level3": "参保率"}, "input") == []  # unchanged
    changed = {"unit": "‰", "level3": "别的", "aggregation": Aggregation.SUM, "weight": Decimal(40)}
    assert [(p.field, p.code) for p in stricter_problems(given, changed, "input")] == [
        ("input.unit", ErrorCode.LOCKED),
        ("input.level3", ErrorCode.LOCKED),
        ("input.aggregation", ErrorCode.LOCKED),
    ]
