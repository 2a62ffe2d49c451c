"""目标比较法 (Art. 13): the actual to date against what the time elapsed leads one to expect, as pure
functions.

Every threshold comes from the region's rules (Art. 23, `Thresholds.of`); nothing here reads a database.
Percentages are Decimals in percent ("57.14"), rounded half-up to two places only where they are shown.

How an indicator is compared depends on what its value means (DOMAIN §10, made precise here):
- amounts and counts (aggregation SUM) accumulate through the year, so the expected progress at month N is
  the annual target × N / 12 and the completion ratio is actual ÷ expected;
- rates and levels (RATE, NONE) do not accumulate: they are compared with the annual target itself;
- "≤" indicators are caps: compared with the annual target as they stand (a count of budget adjustments
  to date within its cap is on track), lit by the rule LE_INDICATOR_LIGHTING; the excess over the cap is
  measured against the cap's size, so a negative cap (支出增长率 ≤ -2%) is lit as a positive one;
- "=" indicators are lit like "≥" (under-achievement is what monitoring looks for); over the target is blue;
- qualitative indicators: 达成 green, 部分达成 yellow, 未达成 red.

A light is decided on the percentage as shown (two places): a ratio shown as 60.00 is never red under
"below 60 red", so what a reader sees always explains the light.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from src.models.enums import Aggregation, BudgetItem, Comparator, IndicatorKind, QualitativeGrade
from src.models.monitoring import Light
from src.services.rules.reads import RuleSet
from src.services.rules.registry import LeIndicatorLighting, MonitoringPeriods

HUNDRED = Decimal(100)
MONTHS = 12
CENT = Decimal("0.01")

# Worst first: a goal's light is its worst indicator's (DOMAIN §10). Blue (over-run) is worth a look but is
# not behind, so it ranks after yellow; NONE (nothing entered) is the least informative.
SEVERITY: dict[Light, int] = {Light.RED: 4, Light.YELLOW: 3, Light.BLUE: 2, Light.GREEN: 1, Light.NONE: 0}

# Balances are as at a month's end, not flows to execute: they have no execution light.
EXECUTED_ITEMS = frozenset(
    {
        BudgetItem.CONTRIBUTION,
        BudgetItem.FISCAL_SUBSIDY,
        BudgetItem.INTEREST,
        BudgetItem.TRANSFER_IN,
        BudgetItem.OTHER_REVENUE,
        BudgetItem.BENEFITS,
        BudgetItem.TRANSFER_OUT,
        BudgetItem.OTHER_EXPENDITURE,
    }
)

PERIOD_MONTHS: dict[MonitoringPeriods, tuple[int, ...]] = {
    MonitoringPeriods.MONTHLY: tuple(range(1, 13)),
    MonitoringPeriods.QUARTERLY: (3, 6, 9, 12),
    MonitoringPeriods.JULY_AND_YEAR_END: (7, 12),
}


@dataclass(frozen=True)
class Thresholds:
    """The lights' thresholds in force in one region (DOMAIN §10 defaults; Art. 23 regional rules)."""

    red_below: Decimal = Decimal(60)
    yellow_below: Decimal = Decimal(80)
    blue_from: Decimal = Decimal(120)
    le_lighting: LeIndicatorLighting = LeIndicatorLighting.WITHIN_OR_RED
    le_yellow_excess_below: Decimal = Decimal(10)
    execution_red_below: Decimal = Decimal(60)
    execution_yellow_below: Decimal = Decimal(80)
    execution_large_below: Decimal = Decimal(40)
    adjustment_review_red_periods: int = 3

    @classmethod
    def of(cls, rules: RuleSet) -> "Thresholds":
        return cls(
            red_below=rules.light_red_below,
            yellow_below=rules.light_yellow_below,
            blue_from=rules.light_blue_from,
            le_lighting=rules.le_indicator_lighting,
            le_yellow_excess_below=rules.le_yellow_excess_below,
            execution_red_below=rules.execution_red_below,
            execution_yellow_below=rules.execution_yellow_below,
            execution_large_below=rules.execution_large_deviation_below,
            adjustment_review_red_periods=int(rules.adjustment_review_red_periods),
        )


@dataclass(frozen=True)
class Lit:
    """One comparison: the light, and where numbers apply the completion ratio and deviation in percent."""

    light: Light
    ratio: Decimal | None = None  # actual ÷ expected, %
    deviation: Decimal | None = None  # (actual − expected) ÷ |expected|, % (negative: below expected)
    large_deviation: bool = False  # execution only: 「执行偏差较大」 (Art. 14), adjust by the rules


def percent(value: Decimal) -> Decimal:
    """A percentage as shown and stored: two places, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_month(month: int) -> None:
    if not 1 <= month <= MONTHS:
        raise ValueError(f"month {month} is not 1–12")


def elapsed_share(month: int) -> Decimal:
    """The share of the year elapsed at the end of `month`, in percent (序时进度)."""
    check_month(month)
    return Decimal(month) * HUNDRED / MONTHS


def rate_value(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """A rate in percent from its parts; None when the denominator is zero (nothing to rate yet)."""
    if denominator == 0:
        return None
    return numerator * HUNDRED / denominator


def expected_progress(
    target: Decimal, month: int, aggregation: Aggregation, comparator: Comparator
) -> Decimal:
    """What the actual to the end of `month` should be to stay on course for the annual `target`."""
    check_month(month)
    if aggregation == Aggregation.SUM and comparator != Comparator.LE:
        return target * month / MONTHS
    return target


def completion_ratio(actual: Decimal, expected: Decimal) -> Decimal | None:
    """actual ÷ expected in percent; None when nothing is expected (a zero target)."""
    if expected == 0:
        return None
    return actual * HUNDRED / expected


def _ratio_light(ratio: Decimal, t: Thresholds) -> Light:
    if ratio < t.red_below:
        return Light.RED
    if ratio < t.yellow_below:
        return Light.YELLOW
    if ratio >= t.blue_from:
        return Light.BLUE
    return Light.GREEN


def deviation(actual: Decimal, expected: Decimal) -> Decimal | None:
    """(actual − expected) ÷ |expected| in percent, shown: negative is below what was expected (behind a
    "≥" target, within a "≤" cap); None when nothing is expected."""
    if expected == 0:
        return None
    return percent((actual - expected) * HUNDRED / abs(expected))


def _le_light(actual: Decimal, target: Decimal, t: Thresholds) -> Lit:
    # actual ÷ cap says nothing for a negative cap (-1 ÷ -2 is 50% yet over it): shown for positive caps only.
    ratio = completion_ratio(actual, target) if target > 0 else None
    shown = percent(ratio) if ratio is not None else None
    excess = deviation(actual, target)
    if actual <= target:
        return Lit(Light.GREEN, ratio=shown, deviation=excess)
    if excess is None:  # over a cap of zero: no margin can make that yellow
        return Lit(Light.RED)
    if t.le_lighting == LeIndicatorLighting.BY_EXCESS and excess < t.le_yellow_excess_below:
        return Lit(Light.YELLOW, ratio=shown, deviation=excess)
    return Lit(Light.RED, ratio=shown, deviation=excess)


GRADE_LIGHT = {
    QualitativeGrade.ACHIEVED: Light.GREEN,
    QualitativeGrade.PARTLY_ACHIEVED: Light.YELLOW,
    QualitativeGrade.NOT_ACHIEVED: Light.RED,
}


def indicator_light(
    *,
    kind: IndicatorKind,
    comparator: Comparator,
    aggregation: Aggregation,
    target: Decimal | None,
    actual: Decimal | None,
    grade: QualitativeGrade | None,
    month: int,
    thresholds: Thresholds,
) -> Lit:
    """The light of one indicator at the end of `month` (DOMAIN §10)."""
    check_month(month)
    if kind == IndicatorKind.QUALITATIVE or comparator == Comparator.GRADE:
        return Lit(GRADE_LIGHT[grade]) if grade is not None else Lit(Light.NONE)
    if actual is None or target is None:
        return Lit(Light.NONE)
    if comparator == Comparator.LE:
        return _le_light(actual, target, thresholds)
    expected = expected_progress(target, month, aggregation, comparator)
    ratio = completion_ratio(actual, expected)
    if ratio is None:  # a zero target: met when the actual is zero too ("=" 0) or above it ("≥" 0)
        met = actual == 0 if comparator == Comparator.EQ else actual >= 0
        return Lit(Light.GREEN if met else Light.RED)
    shown = percent(ratio)
    return Lit(_ratio_light(shown, thresholds), ratio=shown, deviation=shown - HUNDRED)


def worst_light(lights: Iterable[Light]) -> Light:
    """A goal's light: its worst indicator's (RED > YELLOW > BLUE > GREEN > NONE)."""
    return max(lights, key=SEVERITY.__getitem__, default=Light.NONE)


def budget_amount(initial: Decimal, adjusted: Decimal | None) -> Decimal:
    """What execution is measured against: the adjusted budget where there is one (调整后预算数), else the
    initial one (DOMAIN §10: execution rate = executed ÷ adjusted budget)."""
    return adjusted if adjusted is not None else initial


def execution_rate(executed: Decimal, budget: Decimal) -> Decimal | None:
    """预算执行率: executed ÷ budget (budget_amount), in percent."""
    if budget == 0:
        return None
    return executed * HUNDRED / budget


def execution_light(
    *, item: BudgetItem, executed: Decimal, budget: Decimal, month: int, thresholds: Thresholds
) -> Lit:
    """A budget line's execution against time: its execution rate ÷ the share of the year elapsed."""
    if item not in EXECUTED_ITEMS:
        return Lit(Light.NONE)
    rate = execution_rate(executed, budget)
    if rate is None:
        return Lit(Light.NONE)
    shown = percent(rate * HUNDRED / elapsed_share(month))
    if shown < thresholds.execution_red_below:
        light = Light.RED
    elif shown < thresholds.execution_yellow_below:
        light = Light.YELLOW
    else:
        light = Light.GREEN
    return Lit(
        light,
        ratio=shown,
        deviation=shown - HUNDRED,
        large_deviation=shown < thresholds.execution_large_below,
    )


def consecutive_reds(history: Sequence[Light]) -> int:
    """How many periods in a row, counting back from the latest, were red."""
    count = 0
    for light in reversed(history):
        if light != Light.RED:
            break
        count += 1
    return count


def needs_adjustment_review(history: Sequence[Light], thresholds: Thresholds) -> bool:
    """A goal red for the rule's number of periods in a row goes to adjustment review (Art. 14)."""
    return consecutive_reds(history) >= thresholds.adjustment_review_red_periods


def period_months(periods: MonitoringPeriods) -> tuple[int, ...]:
    """The months that close a monitoring period under the rule."""
    return PERIOD_MONTHS[periods]


def is_period_end(month: int, periods: MonitoringPeriods) -> bool:
    check_month(month)
    return month in PERIOD_MONTHS[periods]
