"""The lines of a monitoring report's tables (report_tables.py reads what they are made of): one indicator's
figure and light from the entries of every region for it, one budget line's execution and light.

The pooling region's figure is the sum of every region's entry for it (Art. 12 roll-up: the pooling
region's own and its parts', 「各市（州）相关部门具体承担」): amounts add up; a rate is recomputed from the
summed numerators and denominators, never averaged; a level (aggregation NONE) entered by several regions
has no one figure (only the pooling region's own entry is taken); a qualitative indicator takes the worst
grade entered, a likelihood the least likely. The lights are comparison.py's, with the region's thresholds
(Art. 23).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from src.models import FundBudgetLine, Indicator
from src.models.enums import (
    BUDGET_ITEM_CATEGORY,
    Aggregation,
    BudgetItem,
    BudgetLineCategory,
    Comparator,
    IndicatorKind,
    QualitativeGrade,
    label_zh,
)
from src.models.monitoring import CompletionLikelihood, DeviationCause, IndicatorActual, Light
from src.services.monitoring.comparison import (
    EXECUTED_ITEMS,
    Lit,
    Thresholds,
    execution_light,
    execution_rate,
    indicator_light,
    rate_value,
)

GRADE_ORDER = (QualitativeGrade.NOT_ACHIEVED, QualitativeGrade.PARTLY_ACHIEVED, QualitativeGrade.ACHIEVED)
LIKELIHOOD_ORDER = (
    CompletionLikelihood.IMPOSSIBLE,
    CompletionLikelihood.POSSIBLE,
    CompletionLikelihood.CERTAIN,
)
CAUSE_FIELDS = {
    DeviationCause.FUNDING: "cause_funding",
    DeviationCause.SYSTEM: "cause_system",
    DeviationCause.STAFFING: "cause_staffing",
    DeviationCause.HARDWARE: "cause_hardware",
    DeviationCause.OTHER: "cause_other",
}
# The flows whose totals the execution table shows: revenue and expenditure (balances are not executed).
TOTALS = {
    BudgetLineCategory.REVENUE: BudgetItem.CONTRIBUTION,
    BudgetLineCategory.EXPENDITURE: BudgetItem.BENEFITS,
}


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator  # the goal's indicator: its definition and target
    actual: Decimal | None  # the figure compared: a rate's quotient from its summed parts
    grade: QualitativeGrade | None
    numerator: Decimal | None
    denominator: Decimal | None
    lit: Lit
    forecast: str = ""  # 全年预计完成情况
    causes: dict[DeviationCause, str] = field(default_factory=dict)  # 偏差原因分析, the causes given
    likelihood: CompletionLikelihood | None = None  # 完成目标可能性
    remark: str = ""
    entries: int = 0  # how many regions' entries it rolls up


@dataclass(frozen=True)
class ExecutionLine:
    label: str  # a budget item's label, or 基金收入 / 基金支出 for a total
    item: BudgetItem | None  # None: a total
    initial: Decimal | None  # 年初预算数
    budget: Decimal | None  # 调整后预算数 (the initial where not adjusted)
    executed: Decimal | None  # 1-N月执行数
    rate: Decimal | None  # 执行率, %
    lit: Lit


def _texts(values: Iterable[str]) -> str:
    """Distinct non-empty texts of the entries, in order, as one."""
    seen: list[str] = []
    for value in values:
        if value.strip() and value.strip() not in seen:
            seen.append(value.strip())
    return "；".join(seen)


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def _figure(
    indicator: Indicator, rows: Sequence[IndicatorActual], pooling_region_id: int
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The region's figure from its entries: (value, numerator, denominator)."""
    numerator = _sum([r.numerator for r in rows])
    denominator = _sum([r.denominator for r in rows])
    if numerator is not None and denominator is not None:
        return rate_value(numerator, denominator), numerator, denominator
    if indicator.aggregation == Aggregation.SUM or len(rows) == 1:
        return _sum([r.value for r in rows]), None, None
    own = [r.value for r in rows if r.region_id == pooling_region_id]
    return (own[0] if own else None), None, None


def indicator_line(
    indicator: Indicator,
    rows: Sequence[IndicatorActual],
    *,
    pooling_region_id: int,
    month: int,
    t: Thresholds,
) -> IndicatorLine:
    rows = sorted(rows, key=lambda r: (r.region_id != pooling_region_id, r.region_id))  # its own first
    grades = {r.grade for r in rows if r.grade is not None}
    grade = next((g for g in GRADE_ORDER if g in grades), None)
    value, numerator, denominator = _figure(indicator, rows, pooling_region_id) if rows else (None,) * 3
    qualitative = indicator.kind == IndicatorKind.QUALITATIVE or indicator.comparator == Comparator.GRADE
    lit = indicator_light(
        kind=indicator.kind,
        comparator=indicator.comparator,
        aggregation=indicator.aggregation,
        target=indicator.target_value,
        actual=None if qualitative else value,
        grade=grade,
        month=month,
        thresholds=t,
    )
    likelihoods = {r.likelihood for r in rows if r.likelihood is not None}
    causes = {cause: _texts(getattr(r, name) for r in rows) for cause, name in CAUSE_FIELDS.items()}
    return IndicatorLine(
        indicator=indicator,
        actual=None if qualitative else value,
        grade=grade,
        numerator=numerator,
        denominator=denominator,
        lit=lit,
        forecast=_texts(r.forecast for r in rows),
        causes={cause: text for cause, text in causes.items() if text},
        likelihood=next((x for x in LIKELIHOOD_ORDER if x in likelihoods), None),
        remark=_texts(r.remark for r in rows),
        entries=len(rows),
    )


def _budgeted(lines: Sequence[FundBudgetLine]) -> tuple[Decimal | None, Decimal | None]:
    """年初预算数 and 调整后预算数 (the initial where not adjusted) of the lines; None without any."""
    if not lines:
        return None, None
    initial = sum((b.initial_amount for b in lines), Decimal(0))
    current = sum(
        (b.initial_amount if b.adjusted_amount is None else b.adjusted_amount for b in lines), Decimal(0)
    )
    return initial, current


def _line(
    label: str,
    item: BudgetItem | None,
    lines: Sequence[FundBudgetLine],
    done: Decimal | None,
    *,
    light_item: BudgetItem,
    month: int,
    t: Thresholds,
) -> ExecutionLine:
    initial, current = _budgeted(lines)
    if done is None or current is None:
        return ExecutionLine(label, item, initial, current, done, None, Lit(Light.NONE))
    lit = execution_light(item=light_item, executed=done, budget=current, month=month, thresholds=t)
    return ExecutionLine(label, item, initial, current, done, execution_rate(done, current), lit)


def execution_lines(
    lines: Sequence[FundBudgetLine], executed: dict[BudgetItem, Decimal], month: int, t: Thresholds
) -> list[ExecutionLine]:
    """Each flow line budgeted or executed, under the total of its category (基金收入, 基金支出), lit like
    one of its lines; balances are not executed and have no line."""
    by_item = {b.item: b for b in lines}
    out: list[ExecutionLine] = []
    for category, light_item in TOTALS.items():
        items = [i for i in BudgetItem if i in EXECUTED_ITEMS and BUDGET_ITEM_CATEGORY[i] == category]
        present = [i for i in items if i in by_item or i in executed]
        if not present:
            continue
        done = [executed[i] for i in present if i in executed]
        total = sum(done, Decimal(0)) if done else None
        label = "基金收入" if category == BudgetLineCategory.REVENUE else "基金支出"
        budgeted = [by_item[i] for i in items if i in by_item]
        out.append(_line(label, None, budgeted, total, light_item=light_item, month=month, t=t))
        for i in present:
            own = [by_item[i]] if i in by_item else []
            out.append(_line(label_zh(i), i, own, executed.get(i), light_item=i, month=month, t=t))
    return out
