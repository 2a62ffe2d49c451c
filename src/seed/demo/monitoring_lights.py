"""The lights of the demo's figures, by the target comparison's own functions (目标比较法, Art. 13) and the
province's thresholds (Art. 23): what the warnings, the entry texts and the reports are written from."""

from dataclasses import dataclass
from decimal import Decimal

from src.models.enums import BudgetItem
from src.models.monitoring import Light
from src.seed.demo.monitoring_actuals import Figure, IndicatorSeries
from src.seed.demo.monitoring_execution import Execution, budget_amount
from src.seed.demo.monitoring_scopes import MonitoredScope
from src.services.monitoring.comparison import (
    EXECUTED_ITEMS,
    Lit,
    Thresholds,
    execution_light,
    indicator_light,
)


def figure_light(series: IndicatorSeries, figure: Figure | None, month: int, thresholds: Thresholds) -> Lit:
    indicator = series.indicator
    return indicator_light(
        kind=indicator.kind,
        comparator=indicator.comparator,
        aggregation=indicator.aggregation,
        target=indicator.target_value,
        actual=None if figure is None else figure.value,
        grade=None if figure is None else figure.grade,
        month=month,
        thresholds=thresholds,
    )


def indicator_lights(series: IndicatorSeries, months: range, thresholds: Thresholds) -> dict[int, Lit]:
    """The pooling region's light of one indicator at each month's end."""
    return {m: figure_light(series, series.whole.get(m), m, thresholds) for m in months}


@dataclass(frozen=True)
class ExecutionLit:
    item: BudgetItem
    month: int
    executed: Decimal
    budget: Decimal
    lit: Lit


def execution_lights(
    scope: MonitoredScope, execution: Execution, thresholds: Thresholds
) -> dict[BudgetItem, dict[int, ExecutionLit]]:
    """Each executed line's light at each month's end (balances have none)."""
    lights: dict[BudgetItem, dict[int, ExecutionLit]] = {}
    for item in BudgetItem:
        if item not in EXECUTED_ITEMS:
            continue
        budget = budget_amount(scope, item)
        lights[item] = {}
        for month in scope.months:
            executed = execution.whole[item][month]
            lit = execution_light(
                item=item, executed=executed, budget=budget, month=month, thresholds=thresholds
            )
            lights[item][month] = ExecutionLit(item, month, executed, budget, lit)
    return lights


OFF_TRACK = frozenset({Light.RED, Light.YELLOW})
