"""What an actual may be, by what its indicator measures (Art. 9 可测, Art. 13 定量分析和定性分析): pure
checks, each problem naming the field and the limit."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from src.models import Indicator
from src.models.enums import Aggregation, BudgetItem, Comparator, IndicatorCategory, IndicatorKind
from src.models.enums import QualitativeGrade as G
from src.services.errors import ErrorCode
from src.services.monitoring.entry_checks import (
    actual_problems,
    bounds,
    execution_problems,
    month_problem,
    rate_labels,
)
from src.services.monitoring.entry_rows import ActualRow, ExecutionRow

Q, L = IndicatorKind.QUANTITATIVE, IndicatorKind.QUALITATIVE
OOR, REQ, INV = ErrorCode.OUT_OF_RANGE, ErrorCode.REQUIRED, ErrorCode.INVALID


def indicator(
    name: str,
    unit: str = "%",
    aggregation: Aggregation = Aggregation.NONE,
    comparator: Comparator = Comparator.GE,
    target: str | None = "90",
    kind: IndicatorKind = Q,
    labels: tuple[str, str] = ("", ""),
) -> Indicator:
    return Indicator(
        goal_id=1,
        level1=IndicatorCategory.OUTPUT,
        level2="质量",
        level3=name,
        kind=kind,
        comparator=Comparator.GRADE if kind == L else comparator,
        target_value=Decimal(target) if target and kind == Q else None,
        unit=unit,
        aggregation=aggregation,
        numerator_label=labels[0],
        denominator_label=labels[1],
        weight=Decimal(10),
    )


SHARE = indicator(
    "待遇按时足额发放率", aggregation=Aggregation.RATE, labels=("按时足额发放人次", "应发放人次")
)
COMPLETION = indicator("基金收入预算完成率", aggregation=Aggregation.RATE)
MONTHS = indicator("累计结余可支付月数", unit="月", aggregation=Aggregation.RATE, target="9")
SURPLUS = indicator("基金结余率", aggregation=Aggregation.RATE, comparator=Comparator.LE, target="5")
PERSONS = indicator("技能提升补贴发放人次", unit="人次", aggregation=Aggregation.SUM, target="5000")
TEN_THOUSANDS = indicator("参保人数", unit="万人", aggregation=Aggregation.SUM, target="320")
SATISFACTION = indicator("参保对象满意度")
GROWTH = indicator("参保人数增长率", target="2")
PERMILLE = indicator("差错率", unit="‰", comparator=Comparator.LE, target="3")
DAYS = indicator("申领办理时限", unit="工作日", comparator=Comparator.LE, target="5")
MONEY = indicator("人均待遇", unit="元", target="3000")
GRADE = indicator("政策调整落实及时性", kind=L)


def check(target: Indicator, **values: Any) -> tuple[list[tuple[str, ErrorCode, str]], Decimal | None]:
    row = ActualRow(indicator_id=1, month=1, **values)
    problems, checked = actual_problems(row, target, prefix="input.rows", index=3)
    return [(p.field, p.code, p.message) for p in problems], checked.value


def n(text: str) -> Decimal:
    return Decimal(text)


def parts(numerator: str, denominator: str | None = None) -> dict[str, Decimal]:
    both = {"numerator": n(numerator)}
    return both if denominator is None else {**both, "denominator": n(denominator)}


@pytest.mark.parametrize(
    ("target", "values", "field", "code", "says"),
    [
        (SHARE, parts("1", "0"), "denominator", OOR, "分母（应发放人次）须大于 0"),
        (SHARE, parts("-1", "5"), "numerator", OOR, "分子（按时足额发放人次）不能为负数"),
        (SHARE, {"numerator": n("1")}, "denominator", REQ, "须填写分母（应发放人次）"),
        (SHARE, {"value": n("99"), **parts("1", "1")}, "value", INV, "完成值由其计算"),
        (SHARE, parts("11", "10"), "numerator", OOR, "超过 100"),
        (SHARE, parts("1.23456", "2"), "numerator", OOR, "最多 4 位小数"),
        (PERSONS, {"value": n("12.5")}, "value", OOR, "完成值（单位“人次”）须为整数"),
        (PERSONS, {"value": n("-3")}, "value", OOR, "不能为负数（应不小于 0）"),
        (PERSONS, {"numerator": n("1"), "denominator": n("2")}, "numerator", INV, "不是比率类指标"),
        (PERSONS, {}, "value", REQ, "须填写完成值"),
        (SATISFACTION, {"value": n("100.5")}, "value", OOR, "应在 0 至 100 之间"),
        (SATISFACTION, {"value": n("-1")}, "value", OOR, "应在 0 至 100 之间"),
        (PERMILLE, {"value": n("1001")}, "value", OOR, "至 1000 之间"),
        (DAYS, {"value": n("-1")}, "value", OOR, "不能为负数"),
        (MONEY, {"value": n("1e14")}, "value", OOR, "整数部分最多 14 位"),
        (MONEY, {"value": n("NaN")}, "value", INV, "有限的数值"),
        (GRADE, {"value": n("1")}, "value", INV, "不填写数值"),
        (GRADE, {}, "grade", REQ, "完成等级"),
        (SATISFACTION, {"value": n("95"), "grade": G.ACHIEVED}, "grade", INV, "不填写完成等级"),
        (GRADE, {"grade": G.ACHIEVED, "forecast": "长" * 501}, "forecast", OOR, "最多 500 个字符"),
        (GRADE, {"grade": G.ACHIEVED, "cause_other": "a\x1bb"}, "causeOther", INV, "控制字符"),
    ],
)  # fmt: skip
def test_art13_each_check_names_its_field_and_limit(
    target: Indicator, values: dict[str, Any], field: str, code: ErrorCode, says: str
) -> None:
    problems, _ = check(target, **values)
    matching = [p for p in problems if p[0] == f"input.rows.3.{field}"]
    assert matching, problems
    assert matching[0][1] == code and says in matching[0][2], matching


@pytest.mark.parametrize(
    ("target", "values", "value"),
    [
        (SHARE, {"numerator": n("9990"), "denominator": n("10000")}, n("99.9")),
        (COMPLETION, {"numerator": n("103"), "denominator": n("100")}, n("103")),  # 完成率 may pass 100
        (MONTHS, {"numerator": n("1800"), "denominator": n("200")}, n("9")),  # a quotient, not × 100
        (SURPLUS, {"numerator": n("-3"), "denominator": n("100")}, n("-3")),  # ≤: a deficit is below 0
        (TEN_THOUSANDS, {"value": n("2381.8612")}, n("2381.8612")),  # counted in 万: not whole
        (GROWTH, {"value": n("-1.5")}, n("-1.5")),  # a change may fall
        (SATISFACTION, {"value": n("100.00")}, n("100")),
        (GRADE, {"grade": G.PARTLY_ACHIEVED, "remark": "第一行\n第二行"}, None),
        (SHARE, {"numerator": n("2"), "denominator": n("3")}, n("66.6667")),  # four places, half up
    ],
)
def test_art13_what_the_indicator_allows_passes(
    target: Indicator, values: dict[str, Any], value: Decimal | None
) -> None:
    problems, checked = check(target, **values)
    assert problems == [] and checked == value


def test_art9_percent_bounds_follow_what_the_indicator_says() -> None:
    assert (bounds(SATISFACTION).low, bounds(SATISFACTION).high) == (Decimal(0), Decimal(100))
    assert bounds(GROWTH).low is None and bounds(COMPLETION).high is None
    assert bounds(indicator("参保率", target="120")).high is None  # a target above 100 says so
    assert bounds(PERSONS).whole and not bounds(TEN_THOUSANDS).whole


def test_art9_a_rate_without_labels_is_entered_as_numerator_and_denominator() -> None:
    assert rate_labels(COMPLETION) == ("分子", "分母")
    assert rate_labels(SHARE) == ("按时足额发放人次", "应发放人次")


@pytest.mark.parametrize(
    ("year", "month", "ok"),
    [
        (2026, 6, True),
        (2026, 7, False),
        (2026, 12, False),
        (2025, 12, True),
        (2027, 1, False),
        (2026, 0, False),
    ],
)
def test_art13_only_a_month_that_has_ended_in_china_is_entered(year: int, month: int, ok: bool) -> None:
    problem = month_problem(year=year, month=month, today=date(2026, 7, 1), field="input.rows.0.month")
    assert (problem is None) == ok
    if problem is not None:
        assert problem.code == ErrorCode.OUT_OF_RANGE


@pytest.mark.parametrize(
    ("item", "amount", "says"),
    [
        (BudgetItem.BENEFITS, n("-1"), "不能为负数"),
        (BudgetItem.CONTRIBUTION, n("1.234"), "最多 2 位小数"),
        (BudgetItem.CONTRIBUTION, n("1e16"), "整数部分最多 16 位"),
        (BudgetItem.CONTRIBUTION, None, "须填写"),
        (BudgetItem.ACCUMULATED_BALANCE, n("-100"), None),  # a balance may be negative
        (BudgetItem.CONTRIBUTION, n("1234567.80"), None),
    ],
)
def test_art12_execution_amounts_are_money(
    item: BudgetItem, amount: Decimal | None, says: str | None
) -> None:
    row = ExecutionRow(budget_id=1, item=item, month=1, amount=amount)
    problems = execution_problems(row, prefix="input.rows", index=0)
    if says is None:
        assert problems == []
    else:
        assert [p.field for p in problems] == ["input.rows.0.amount"] and says in problems[0].message
