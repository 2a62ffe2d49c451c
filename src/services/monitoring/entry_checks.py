"""Whether one entry row is what its indicator or budget line can hold (Art. 13 定量分析和定性分析), as
pure functions: each problem names the field (`input.rows.3.numerator`) and the limit.

What an actual may be follows what the indicator measures (src/services/goals/units.py):
- a qualitative indicator takes a grade (达成 / 部分达成 / 未达成), never a number;
- a rate (aggregation RATE) takes its numerator and denominator, never the value: the denominator above 0,
  the value computed (× 100 for %, × 1000 for ‰, as it is for 月 and other quotients), so that rates roll
  up by summing both parts (Art. 12);
- counts are not negative, and whole numbers unless counted in 万 (万人 2381.86);
- percentages lie within 0–100 (‰: 0–1000), unless the indicator says otherwise: a percentage compared
  with a reference (完成率, 执行率, or a target above 100) may pass 100; one measuring a change (增长率,
  百分点) may fall below 0, and so may any value units.py lets a target take below 0 (a percentage or an
  unlisted unit with ≤: 支出增长率 ≤ -2%);
- amounts and durations are not negative; everything is finite and fits its column.
A rate's numerator may be negative exactly where its value may (基金结余率 of a deficit).
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from src.models import Indicator
from src.models.enums import Aggregation, BudgetItem, Comparator, IndicatorKind, label_zh
from src.models.monitoring import ACTUAL_VALUE, CELL_TEXT_MAX_LENGTH
from src.models.types import Money
from src.services.errors import ErrorCode, FieldProblem
from src.services.goals.units import NEGATIVE_WITH_LE, Measure, measure_of
from src.services.goals.validation import api_name
from src.services.monitoring.clock import last_ended_month, month_ended
from src.services.monitoring.entry_rows import TEXT_FIELDS, TEXT_LABELS, ActualRow, ExecutionRow

MONEY = Money()
# Balances are as at a month's end and may be negative (a deficit); flows to date are not.
SIGNED_ITEMS = frozenset({BudgetItem.CURRENT_BALANCE, BudgetItem.ACCUMULATED_BALANCE})
# A percentage compared with a reference rather than a share of a whole: it may pass 100.
REFERENCE_WORDS = ("完成率", "执行率", "到位率", "征缴率", "使用比例")
# A percentage measuring a change: it may also fall below 0.
CHANGE_WORDS = ("增长", "增幅", "增速", "下降", "变动", "同比", "环比", "比上年")
POINT_UNITS = frozenset({"百分点", "个百分点"})
DEFAULT_NUMERATOR, DEFAULT_DENOMINATOR = "分子", "分母"
# All but tab, line feed and carriage return (a cell's text may have line breaks, as free text may).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Bounds:
    """What an indicator's actual may be: at least `low` and at most `high` (None: no such limit beyond
    the column's), a whole number or not."""

    low: Decimal | None
    high: Decimal | None
    whole: bool
    factor: Decimal  # a rate's value is numerator × factor ÷ denominator


def rate_labels(indicator: Indicator) -> tuple[str, str]:
    """What a rate's two parts are called (按时足额发放人次 / 应发放人次); 分子 / 分母 when the indicator
    does not say (indicators drafted before the labels existed)."""
    return (
        indicator.numerator_label.strip() or DEFAULT_NUMERATOR,
        indicator.denominator_label.strip() or DEFAULT_DENOMINATOR,
    )


def is_rate(indicator: Indicator) -> bool:
    return indicator.kind == IndicatorKind.QUANTITATIVE and indicator.aggregation == Aggregation.RATE


def bounds(indicator: Indicator) -> Bounds:
    unit = indicator.unit.strip()
    measure = measure_of(unit)
    name = indicator.level3
    change = unit in POINT_UNITS or any(word in name for word in CHANGE_WORDS)
    negative = change or (indicator.comparator == Comparator.LE and measure in NEGATIVE_WITH_LE)
    high: Decimal | None = None
    factor = Decimal(1)
    if measure == Measure.PERCENT:
        ceiling = Decimal(1000) if unit == "‰" else Decimal(100)
        factor = Decimal(1000) if unit == "‰" else Decimal(100)
        target = indicator.target_value
        beyond = change or any(word in name for word in REFERENCE_WORDS)
        high = None if beyond or (target is not None and target > ceiling) else ceiling
    whole = measure == Measure.COUNT and not unit.startswith("万")
    return Bounds(None if negative else Decimal(0), high, whole, factor)


def by_row(problem: FieldProblem) -> tuple[int, str]:
    """A sort key: problems by row (`input.rows.3.…`), then field; those of no row (the reason) last."""
    number = next((int(part) for part in problem.field.split(".") if part.isdigit()), 1 << 30)
    return number, problem.field


def _path(prefix: str, index: int, name: str) -> str:
    return f"{prefix}.{index}.{api_name(name)}"


def _fits(value: Decimal, places: int, whole_digits: int, label: str) -> tuple[str, ErrorCode] | None:
    if not value.is_finite():
        return f"{label}须为有限的数值（不能是 NaN 或无穷大）", ErrorCode.INVALID
    if abs(value) >= Decimal(10) ** whole_digits:
        return f"{label}超出范围（整数部分最多 {whole_digits} 位）", ErrorCode.OUT_OF_RANGE
    if value != value.quantize(Decimal(1).scaleb(-places)):  # 1.50000 is 1.5: trailing zeros are fine
        return f"{label}最多 {places} 位小数", ErrorCode.OUT_OF_RANGE
    return None


VALUE_PLACES = ACTUAL_VALUE.scale
VALUE_WHOLE_DIGITS = ACTUAL_VALUE.max_digits - ACTUAL_VALUE.scale
MONEY_PLACES = MONEY.scale
MONEY_WHOLE_DIGITS = MONEY.max_digits - MONEY.scale


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _range_problem(value: Decimal, b: Bounds, label: str, unit: str) -> str | None:
    """Why `value` is outside `b`, naming the limit; None when inside."""
    shown = f"（单位“{unit}”）" if unit else ""
    if b.whole and value != value.to_integral_value():
        return f"{label}{shown}须为整数"
    if b.low is not None and value < b.low:
        if b.high is not None:
            return f"{label}{shown}应在 {_plain(b.low)} 至 {_plain(b.high)} 之间"
        return f"{label}{shown}不能为负数（应不小于 {_plain(b.low)}）"
    if b.high is not None and value > b.high:
        low = _plain(b.low) if b.low is not None else "负数"
        return f"{label}{shown}应在 {low} 至 {_plain(b.high)} 之间"
    return None


def text_problems(row: Any, prefix: str, index: int) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for name in TEXT_FIELDS:
        text: str = getattr(row, name)
        label = TEXT_LABELS[name]
        if len(text) > CELL_TEXT_MAX_LENGTH:
            message = f"{label}内容过长（最多 {CELL_TEXT_MAX_LENGTH} 个字符）"
            problems.append(FieldProblem(_path(prefix, index, name), message, ErrorCode.OUT_OF_RANGE))
        elif _CONTROL.search(text):
            message = f"{label}不能包含控制字符"
            problems.append(FieldProblem(_path(prefix, index, name), message, ErrorCode.INVALID))
    return problems


def month_problem(*, year: int, month: int, today: date, field: str) -> FieldProblem | None:
    """Months 1–12 whose end has passed (China time): 1-N月 is known once month N is over."""
    if not 1 <= month <= 12:
        return FieldProblem(field, "月份应为 1 至 12", ErrorCode.OUT_OF_RANGE)
    if not month_ended(year=year, month=month, today=today):
        last = last_ended_month(year=year, today=today)
        until = f"目前最多可填报至 {last} 月" if last else f"{year} 年尚无已结束的月份"
        message = f"{year}年{month}月尚未结束（北京时间），不能填报；{until}"
        return FieldProblem(field, message, ErrorCode.OUT_OF_RANGE)
    return None


@dataclass(frozen=True)
class Checked:
    """An actual row's stored values (value computed for a rate), once it passed."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None


def _given(row: ActualRow, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if getattr(row, name) is not None]


def actual_problems(
    row: ActualRow, indicator: Indicator, *, prefix: str, index: int
) -> tuple[list[FieldProblem], Checked]:
    """The row's problems against its indicator (month and place are checked by the caller), and the
    values to store."""
    problems = text_problems(row, prefix, index)

    def problem(name: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        problems.append(FieldProblem(_path(prefix, index, name), message, code))

    none = Checked(None, None, None)
    if indicator.kind == IndicatorKind.QUALITATIVE:
        for name in _given(row, ("value", "numerator", "denominator")):
            problem(name, "定性指标填写完成等级（达成 / 部分达成 / 未达成），不填写数值")
        if row.grade is None:
            problem("grade", "定性指标须填写完成等级（达成 / 部分达成 / 未达成）", ErrorCode.REQUIRED)
        return problems, none
    if row.grade is not None:
        problem("grade", "定量指标填写数值，不填写完成等级")
    b, unit = bounds(indicator), indicator.unit.strip()
    if not is_rate(indicator):
        for name in _given(row, ("numerator", "denominator")):
            problem(name, "该指标不是比率类指标，请直接填写完成值，不填写分子、分母")
        if row.value is None:
            problem("value", "定量指标须填写完成值", ErrorCode.REQUIRED)
            return problems, none
        fits = _fits(row.value, VALUE_PLACES, VALUE_WHOLE_DIGITS, "完成值")
        outside = None if fits else _range_problem(row.value, b, "完成值", unit)
        if fits:
            problem("value", *fits)
        elif outside:
            problem("value", outside, ErrorCode.OUT_OF_RANGE)
        return problems, Checked(row.value, None, None)
    return _rate_problems(row, indicator, b, problems, problem)


def _rate_problems(
    row: ActualRow, indicator: Indicator, b: Bounds, problems: list[FieldProblem], problem: Any
) -> tuple[list[FieldProblem], Checked]:
    numerator_label, denominator_label = rate_labels(indicator)
    none = Checked(None, None, None)
    if row.value is not None:
        problem(
            "value", f"比率类指标填写分子（{numerator_label}）和分母（{denominator_label}），完成值由其计算"
        )
    parts = {
        "numerator": (row.numerator, numerator_label),
        "denominator": (row.denominator, denominator_label),
    }
    usable = True
    for name, (part, label) in parts.items():
        shown = f"{'分子' if name == 'numerator' else '分母'}（{label}）"
        if part is None:
            problem(name, f"比率类指标须填写{shown}", ErrorCode.REQUIRED)
            usable = False
            continue
        fits = _fits(part, VALUE_PLACES, VALUE_WHOLE_DIGITS, shown)
        if fits:
            problem(name, *fits)
            usable = False
        elif name == "denominator" and part <= 0:
            problem(name, f"{shown}须大于 0", ErrorCode.OUT_OF_RANGE)
            usable = False
        elif name == "numerator" and b.low is not None and part < b.low:
            problem(name, f"{shown}不能为负数", ErrorCode.OUT_OF_RANGE)
            usable = False
    if not usable or row.numerator is None or row.denominator is None:
        return problems, none
    value = (row.numerator * b.factor / row.denominator).quantize(
        Decimal(1).scaleb(-VALUE_PLACES), rounding=ROUND_HALF_UP
    )
    limit = b.high
    if limit is not None and value > limit:
        message = (
            f"比率 {_plain(value)}{indicator.unit.strip()} 超过 {_plain(limit)}：分子（{numerator_label}）"
            f"不能大于分母（{denominator_label}）"
        )
        problem("numerator", message, ErrorCode.OUT_OF_RANGE)
    elif abs(value) >= Decimal(10) ** VALUE_WHOLE_DIGITS:
        problem("numerator", f"比率超出范围（整数部分最多 {VALUE_WHOLE_DIGITS} 位）", ErrorCode.OUT_OF_RANGE)
    return problems, Checked(value, row.numerator, row.denominator)


def execution_problems(row: ExecutionRow, *, prefix: str, index: int) -> list[FieldProblem]:
    """An amount to the end of the month, in yuan: finite, two places, within the Money column; flows to
    date not negative (balances may be)."""
    field = _path(prefix, index, "amount")
    label = f"{label_zh(row.item)}执行数（元）"
    if row.amount is None:
        return [FieldProblem(field, f"须填写{label}", ErrorCode.REQUIRED)]
    fits = _fits(row.amount, MONEY_PLACES, MONEY_WHOLE_DIGITS, label)
    if fits:
        return [FieldProblem(field, *fits)]
    if row.amount < 0 and row.item not in SIGNED_ITEMS:
        return [FieldProblem(field, f"{label}不能为负数（结余项除外）", ErrorCode.OUT_OF_RANGE)]
    return []
