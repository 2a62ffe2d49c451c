"""Demo indicator actuals (Art. 13): per goal in force, indicator (by lineage) and month, cumulative 1-N月.

Each indicator gets a course for the year (courses.py) and its figures follow it, so the lights the target
comparison gives them are those of a real year: mostly green, some yellow, a few red and blue. Figures are
what the indicator measures: counts accumulate, rates are a numerator and a denominator (the budget rates
read off the execution), levels such as months of payment stand, grades are 达成/部分达成/未达成. Where parts
enter, they enter what sums; the whole is their sum.
"""

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from src.models import Indicator
from src.models.enums import Aggregation, BudgetItem, Comparator, IndicatorKind, QualitativeGrade
from src.seed.demo.courses import (
    CAPPED_COURSES,
    INDICATOR_COURSES,
    STEADY_RANGE,
    Course,
    draw_course,
    grades,
    progress,
    split,
)
from src.seed.demo.figures import CENT, EXPENDITURE_ITEMS, REVENUE_ITEMS
from src.seed.demo.monitoring_execution import Execution, budget_amount
from src.seed.demo.monitoring_scopes import Entrant, MonitoredScope
from src.seed.demo.rate_bases import (
    BUDGET_ADJUSTMENT,
    EXPENDITURE_EXECUTION,
    FROM_EXECUTION,
    REVENUE_COMPLETION,
    grown,
    rate_base,
)

VALUE_PLACES = Decimal("0.0001")  # IndicatorActual.value's scale
HUNDRED = Decimal(100)
ONE = Decimal(1)
# Caps (≤ indicators): within the target most of the year, or running over it.
LE_WITHIN = ((0.35, 0.9), (0.35, 0.95))
LE_OVER = ((0.65, 1.0), (1.08, 1.45))
LE_OVER_SHARE = 0.15


class Shape(StrEnum):
    GRADE = "GRADE"  # qualitative: entered by the pooling region
    FLOW = "FLOW"  # a count through the year (aggregation SUM): parts add up
    RATE = "RATE"  # a percentage: numerator and denominator, parts add both up
    EXECUTION_RATE = "EXECUTION_RATE"  # a budget rate read off the execution
    LEVEL = "LEVEL"  # a level (months of payment, working days, enterprises): entered by the pooling region


def shape_of(indicator: Indicator) -> Shape:
    if indicator.kind == IndicatorKind.QUALITATIVE or indicator.comparator == Comparator.GRADE:
        return Shape.GRADE
    if indicator.level3 in FROM_EXECUTION:
        return Shape.EXECUTION_RATE
    if indicator.aggregation == Aggregation.RATE and indicator.unit == "%":
        return Shape.RATE
    if indicator.aggregation == Aggregation.SUM:
        return Shape.FLOW
    return Shape.LEVEL


def entered_by_parts(indicator: Indicator, shape: Shape) -> bool:
    """What the parts enter (counts, rates of what they handle); the rest is the pooling region's."""
    return shape == Shape.FLOW or (shape == Shape.RATE and not rate_base(indicator.level3).pooled)


@dataclass(frozen=True)
class Figure:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    grade: QualitativeGrade | None = None


Series = dict[int, Figure]  # month → figure


@dataclass
class IndicatorSeries:
    indicator: Indicator
    shape: Shape
    course: Course | None  # None: grades, or read off the execution
    entries: list[tuple[Entrant, Series]] = field(default_factory=list)
    whole: Series = field(default_factory=dict)


def rate_figure(numerator: Decimal, denominator: Decimal) -> Figure:
    value = (numerator * HUNDRED / denominator).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)
    return Figure(value=value, numerator=numerator, denominator=denominator)


def quantum_of(unit: str) -> Decimal:
    return {"万人": CENT, "月": CENT, "工作日": Decimal("0.1")}.get(unit, ONE)


def _d(value: float) -> Decimal:
    return Decimal(repr(value))


def whole_of(shape: Shape, entries: list[tuple[Entrant, Series]], months: range) -> Series:
    """The pooling region's figure: its own entry, or the parts' sum (a rate from the summed parts)."""
    if len(entries) == 1:
        return entries[0][1]
    whole: Series = {}
    for month in months:
        figures = [series[month] for _, series in entries if month in series]
        if shape == Shape.FLOW:
            whole[month] = Figure(value=sum((f.value or Decimal(0) for f in figures), Decimal(0)))
        elif figures:
            numerator = sum((f.numerator or Decimal(0) for f in figures), Decimal(0))
            denominator = sum((f.denominator or Decimal(0) for f in figures), Decimal(0))
            if denominator:
                whole[month] = rate_figure(numerator, denominator)
    return whole


def _course(rng: random.Random, indicator: Indicator, capped: bool, forced: Course | None) -> Course | None:
    """The indicator's course for the year: none for a cap (≤, within or over it: _levels), on track for a
    rate that stays at its target in practice, else drawn (a rate that cannot pass 100% never blue)."""
    if indicator.comparator == Comparator.LE:
        return None
    if forced is not None:
        return forced
    if rate_base(indicator.level3).steady and indicator.unit == "%":
        return Course.ON_TRACK
    return draw_course(rng, CAPPED_COURSES if capped else INDICATOR_COURSES)


def _levels(rng: random.Random, indicator: Indicator, months: range, course: Course | None) -> list[float]:
    """The value as a share of the target, month by month (percent of target for ≥; of the cap for ≤)."""
    if course is None:
        over = rng.random() < LE_OVER_SHARE
        return [
            100 * p
            for p in progress(rng, Course.ON_TRACK, list(months), LE_OVER if over else LE_WITHIN, 0.02)
        ]
    if rate_base(indicator.level3).steady and indicator.unit == "%":
        return progress(rng, course, list(months), STEADY_RANGE, noise=0.3)
    return progress(rng, course, list(months))


def draw_indicator(
    rng: random.Random,
    scope: MonitoredScope,
    indicator: Indicator,
    execution: Execution,
    insured: Decimal,
    forced: Course | None = None,
) -> IndicatorSeries | None:
    shape = shape_of(indicator)
    months = scope.months
    parts = entered_by_parts(indicator, shape) and bool(scope.parts)
    entrants = scope.parts if parts else [scope.whole]
    shares = scope.weights if parts else [1.0]
    if shape == Shape.GRADE:
        series: Series = {m: Figure(grade=g) for m, g in zip(months, grades(rng, months), strict=True)}
        return IndicatorSeries(indicator, shape, None, [(scope.whole, series)], series)
    if shape == Shape.EXECUTION_RATE:
        entries = _execution_rates(scope, indicator.level3, [scope.whole], [execution.whole], [1.0])
        if not entries:
            return None
        return IndicatorSeries(indicator, shape, None, entries, whole_of(shape, entries, months))
    target = indicator.target_value or Decimal(0)
    capped = indicator.unit == "%" and target * Decimal("1.2") > HUNDRED
    course = _course(rng, indicator, capped, forced)
    levels = _levels(rng, indicator, months, course)
    if shape == Shape.LEVEL:
        quantum = quantum_of(indicator.unit)
        series = {
            m: Figure(value=(target * _d(lv) / HUNDRED).quantize(quantum))
            for m, lv in zip(months, levels, strict=True)
        }
        return IndicatorSeries(indicator, shape, course, [(scope.whole, series)], series)
    if shape == Shape.FLOW:
        entries = _flows(rng, target, indicator.unit, months, levels, entrants, shares)
    else:
        entries = _rates(rng, scope, indicator, months, levels, entrants, shares, insured)
    return IndicatorSeries(indicator, shape, course, entries, whole_of(shape, entries, months))


def _flows(
    rng: random.Random,
    target: Decimal,
    unit: str,
    months: range,
    levels: list[float],
    entrants: list[Entrant],
    shares: list[float],
) -> list[tuple[Entrant, Series]]:
    quantum = quantum_of(unit)
    own = [s * rng.uniform(0.9, 1.1) for s in shares]  # each part a little ahead or behind the whole
    entries: list[tuple[Entrant, Series]] = [(e, {}) for e in entrants]
    previous = Decimal(0)
    for month, level in zip(months, levels, strict=True):
        whole = max((target * month / 12 * _d(level) / HUNDRED).quantize(quantum), previous)
        previous = whole
        for (_, series), part in zip(entries, split(whole, own, quantum), strict=True):
            series[month] = Figure(value=part)
    return entries


def _rates(
    rng: random.Random,
    scope: MonitoredScope,
    indicator: Indicator,
    months: range,
    levels: list[float],
    entrants: list[Entrant],
    shares: list[float],
    insured: Decimal,
) -> list[tuple[Entrant, Series]]:
    base = rate_base(indicator.level3)
    target = indicator.target_value or Decimal(0)
    if base.item is not None:
        yearly, quantum = budget_amount(scope, base.item), CENT
    else:
        yearly, quantum = insured * _d(base.per_insured), ONE
    spread = 0.02 if base.steady else 0.1
    own = [rng.uniform(1 - spread, 1 + spread * 0.5) for _ in entrants]
    entries: list[tuple[Entrant, Series]] = [(e, {}) for e in entrants]
    for month, level in zip(months, levels, strict=True):
        rate = min(target * _d(level) / HUNDRED, HUNDRED)
        for (_, series), share, factor in zip(entries, shares, own, strict=True):
            # At least one case or person: a count this small is there from the first month.
            denominator = max(grown(yearly * _d(share), base.growth, month).quantize(quantum), quantum)
            numerator = (denominator * min(rate * _d(factor), HUNDRED) / HUNDRED).quantize(quantum)
            series[month] = rate_figure(min(numerator, denominator), denominator)
    return entries


def _execution_rates(
    scope: MonitoredScope,
    level3: str,
    entrants: list[Entrant],
    amounts: list[dict[BudgetItem, dict[int, Decimal]]],
    shares: list[float],
) -> list[tuple[Entrant, Series]]:
    """收入完成率 and 支出执行率 against the budget's share of the time (序时), 财政补助到位率 (arrived of
    what was due by now), 预算调整率 (the adjusted budget's change from the initial one)."""
    if level3 == REVENUE_COMPLETION:
        items = REVENUE_ITEMS
    elif level3 in (EXPENDITURE_EXECUTION, BUDGET_ADJUSTMENT):
        items = EXPENDITURE_ITEMS
    else:
        items = [BudgetItem.FISCAL_SUBSIDY]
    entries: list[tuple[Entrant, Series]] = [(e, {}) for e in entrants]
    initial = sum((scope.budget_of(i).initial_amount for i in items), Decimal(0))
    final = sum((budget_amount(scope, i) for i in items), Decimal(0))
    if final <= 0:
        return []
    for month in scope.months:
        if level3 == BUDGET_ADJUSTMENT:
            denominators = split(initial, shares, CENT)
            numerators = split(abs(final - initial), shares, CENT)
        else:
            denominators = split((final * month / 12).quantize(CENT), shares, CENT)
            numerators = [sum((a[i][month] for i in items), Decimal(0)) for a in amounts]
        for (_, series), numerator, denominator in zip(entries, numerators, denominators, strict=True):
            if denominator > 0:
                if level3 not in (REVENUE_COMPLETION, EXPENDITURE_EXECUTION, BUDGET_ADJUSTMENT):
                    numerator = min(numerator, denominator)  # 到位率: what arrived of what was due
                series[month] = rate_figure(numerator, denominator)
    return entries


def insured_persons(scope: MonitoredScope) -> Decimal:
    """The scope's insured persons (the goal's count in 万人), the base of its persons-counting rates."""
    for indicator in scope.indicators:
        if indicator.unit == "万人" and indicator.target_value:
            return indicator.target_value * 10000
    return (budget_amount(scope, BudgetItem.BENEFITS) / 5000).quantize(ONE)
