"""A region's view of a fund pooled below it (Art. 12: county → prefecture → province): the province-wide
goal's indicators with the pooling regions' figures rolled up (amounts added, rates recomputed from the summed
numerators and denominators: rollup.py), their budgets and execution added, their checks combined.

A pooling region's indicator counts toward the province-wide one it was decomposed from (inherited_from,
Art. 6); one it added on its own has no province-wide counterpart and stays in its own view. Each figure is
that of the latest month up to the one asked for in which any pooling region entered it, summed over the
regions that entered it then (`reported` of `expected`: the rest are 及时性's to chase).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from src.models.enums import BudgetItem
from src.models.monitoring import Light
from src.services.monitoring import checks
from src.services.monitoring.assessment import (
    ExecutionAssessment,
    IndicatorAssessment,
    ScopeAssessment,
    amount_at,
    expected_of,
    figure_at,
    light_of,
)
from src.services.monitoring.comparison import Lit, Thresholds, execution_light, execution_rate, percent
from src.services.monitoring.rollup import Figure, sum_figures
from src.services.monitoring.state import IndicatorLine, ScopeData


@dataclass(frozen=True)
class RolledUp:
    indicators: tuple[IndicatorAssessment, ...]
    reported: tuple[int, ...]  # per indicator: the pooling regions whose figures it sums
    execution: tuple[ExecutionAssessment, ...]
    timeliness: checks.Timeliness
    compliance: checks.Compliance
    effectiveness: checks.Effectiveness
    adjustment_review: bool


def _latest(months: Sequence[int], month: int) -> int | None:
    return max((m for m in months if m <= month), default=None)


def _indicator(
    line: IndicatorLine, parts: Sequence[tuple[ScopeData, IndicatorLine]], month: int, thresholds: Thresholds
) -> tuple[IndicatorAssessment, int]:
    entered = [m for data, own in parts for (lineage, m) in data.actuals if lineage == own.lineage_id]
    at = _latest(entered, month)
    figures: list[Figure] = []
    if at is not None:
        found = (figure_at(data, own, at) for data, own in parts)
        figures = [f for f in found if f is not None]
    rolled = sum_figures(figures, line.aggregation, qualitative=line.qualitative)
    lit = light_of(line, rolled, at, thresholds) if at is not None else Lit(Light.NONE)
    return IndicatorAssessment(line, at, rolled, expected_of(line, at or month), lit), len(figures)


def _execution(
    item: BudgetItem, scopes: Sequence[ScopeData], month: int, thresholds: Thresholds
) -> ExecutionAssessment:
    budgets = [d.budget[item] for d in scopes if item in d.budget]
    budget = sum(budgets, Decimal(0)) if budgets else None
    at = _latest([m for d in scopes for (i, m) in d.executions if i == item], month)
    amounts = [a for a in (amount_at(d, item, at) for d in scopes) if a is not None] if at else []
    executed = sum(amounts, Decimal(0)) if amounts else None
    if budget is None or executed is None or at is None:
        return ExecutionAssessment(item, budget, at, executed, None, Lit(Light.NONE))
    rate = execution_rate(executed, budget)
    lit = execution_light(item=item, executed=executed, budget=budget, month=at, thresholds=thresholds)
    return ExecutionAssessment(item, budget, at, executed, percent(rate) if rate is not None else None, lit)


def roll_up(
    lines: Sequence[IndicatorLine],
    scopes: Sequence[ScopeData],
    assessments: Mapping[int, ScopeAssessment],
    *,
    month: int,
    thresholds: Thresholds,
) -> RolledUp:
    """The province-wide `lines` (the goal in force at the region rolling up; none without one) over the
    pooling regions' `scopes`, each already assessed (`assessments`, by pooling region id)."""
    inherited: dict[int, list[tuple[ScopeData, IndicatorLine]]] = {line.id: [] for line in lines}
    for data in scopes:
        for own in data.indicators:
            if own.inherited_from_id in inherited:
                inherited[own.inherited_from_id].append((data, own))
    found = [_indicator(line, inherited[line.id], month, thresholds) for line in lines]
    items = [
        i for i in BudgetItem if any(i in d.budget or any(k[0] == i for k in d.executions) for d in scopes)
    ]
    problems = tuple(
        checks.ComplianceProblem(p.kind, p.subject, p.message, a.key.region_id)
        for a in assessments.values()
        for p in a.compliance.problems
    )
    indicators = tuple(a for a, _ in found)
    return RolledUp(
        indicators=indicators,
        reported=tuple(n for _, n in found),
        execution=tuple(_execution(item, scopes, month, thresholds) for item in items),
        timeliness=checks.combined_timeliness(a.timeliness for a in assessments.values()),
        compliance=checks.Compliance(problems),
        effectiveness=checks.effectiveness(a.lit.light for a in indicators),
        adjustment_review=any(a.adjustment_review for a in assessments.values()),
    )
