"""What an indicator's unit measures (Art. 9: indicators 可比、可测): a percentage, a count, an amount of
money or a duration. Two rules follow from it: how a province-wide indicator splits by default (Art. 6),
and whether its target may be negative."""

from decimal import Decimal
from enum import StrEnum

from src.models.enums import Aggregation, Comparator, IndicatorKind
from src.services.errors import ErrorCode, FieldProblem


class Measure(StrEnum):
    PERCENT = "PERCENT"  # rates, shares, growth: %, ‰, 百分点
    COUNT = "COUNT"  # persons, households, cases, items
    AMOUNT = "AMOUNT"  # money
    DURATION = "DURATION"  # days, months, years
    OTHER = "OTHER"  # anything else (scores, multiples, a unit not listed)


MEASURE_LABELS = {
    Measure.PERCENT: "百分比类",
    Measure.COUNT: "数量类",
    Measure.AMOUNT: "金额类",
    Measure.DURATION: "时长类",
    Measure.OTHER: "其他",
}

# Every unit of the shipped library (src/data/indicator_library.csv) and the demo data is listed; a test
# keeps it so. Full-width ％ is what Chinese input methods type.
UNITS: dict[str, Measure] = {
    **dict.fromkeys(("%", "％", "‰", "百分点", "个百分点"), Measure.PERCENT),
    **dict.fromkeys(
        (
            *("人", "万人", "人次", "万人次", "名", "户", "万户", "家", "个", "项", "件"),
            *("次", "笔", "份", "条", "例", "起", "张"),
        ),
        Measure.COUNT,
    ),
    **dict.fromkeys(("元", "千元", "万元", "亿元"), Measure.AMOUNT),
    **dict.fromkeys(
        ("天", "日", "自然日", "工作日", "个工作日", "小时", "分钟", "周", "月", "个月", "季度", "年"),
        Measure.DURATION,
    ),
}

# Counts and amounts that add up across regions: a province-wide indicator in these splits by the regions'
# budget shares. Counts of what each region does on its own (次, 项 …) are not shares of the province's.
SUM_UNITS = frozenset({"万人", "人", "人次", "万人次", "户", "件", "元", "万元", "亿元"})

# Only a "not above" target can sensibly be below zero (支出增长率 ≤ -2%): what the unit measures allows it.
NEGATIVE_WITH_LE = frozenset({Measure.PERCENT, Measure.OTHER})


def measure_of(unit: str | None) -> Measure:
    """A listed unit's measure; a rate such as 元/人 measures what its numerator does."""
    text = (unit or "").strip()
    if text in UNITS:
        return UNITS[text]
    numerator, per, _ = text.partition("/")
    if per and numerator.strip() in UNITS:
        return UNITS[numerator.strip()]
    return Measure.OTHER


def default_aggregation(kind: IndicatorKind | None, unit: str | None) -> Aggregation:
    """How an indicator splits when its creator does not say: counts and amounts add up, percentages are
    ratios, anything else (months, days, standards, qualitative) is not split."""
    if kind != IndicatorKind.QUANTITATIVE:
        return Aggregation.NONE
    text = (unit or "").strip()
    if text == "%":
        return Aggregation.RATE
    return Aggregation.SUM if text in SUM_UNITS else Aggregation.NONE


def target_value_problem(
    *, field: str, unit: str | None, comparator: Comparator | None, target: Decimal | None
) -> FieldProblem | None:
    """A quantitative target below zero, where the unit and the comparator do not allow one: a percentage
    (or an unlisted unit) only with ≤; a count, an amount or a duration never."""
    if target is None or target >= 0:
        return None
    measure = measure_of(unit)
    if comparator == Comparator.LE and measure in NEGATIVE_WITH_LE:
        return None
    text = (unit or "").strip()
    named = f"（单位“{text}”）" if text else ""
    if measure == Measure.PERCENT:
        message = f"百分比类指标{named}的目标值不能为负数，指标性质为“≤”时除外（如支出增长率 ≤ -2%）"
    elif measure == Measure.OTHER:
        message = f"指标{named}的目标值不能为负数，指标性质为“≤”时除外"
    else:
        message = f"{MEASURE_LABELS[measure]}指标{named}的目标值不能为负数"
    return FieldProblem(field, message, ErrorCode.OUT_OF_RANGE)
