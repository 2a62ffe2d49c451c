"""What monitoring reads, set-based: one statement per kind of row for any number of pooling regions × funds
(goals in force, their indicators, actuals, budgets, execution, rules), so evaluating a whole country and a
province's dashboard cost the same number of statements as one region.

A scope is one pooling region × fund (统筹地区 × 险种) in a year. Readers with an actor pass the subject
clauses (src/services/monitoring/scope.py and the goals' and budgets' own), the system's evaluation none.
"""

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, FundType, Goal, Indicator, PoolingArrangement, Region
from src.models.enums import (
    Aggregation,
    BudgetItem,
    Comparator,
    GoalHorizon,
    IndicatorCategory,
    IndicatorKind,
    PoolingLevel,
    QualitativeGrade,
)
from src.models.monitoring import BudgetExecution, IndicatorActual
from src.models.rules import RegionalRule
from src.services import policy
from src.services.monitoring.comparison import budget_amount
from src.services.monitoring.rollup import Figure
from src.services.rules.reads import DefinedRule, RuleSet, ancestor_codes, resolve
from src.services.rules.region_defaults import RegionFacts

Clause = ColumnElement[bool] | None


class ScopeKey(NamedTuple):
    region_id: int  # the pooling region
    fund_type_id: int


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator of a goal in force, as monitoring compares it."""

    id: int
    goal_id: int
    lineage_id: uuid.UUID
    inherited_from_id: int | None
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    aggregation: Aggregation
    unit: str
    target_value: Decimal | None
    target_grade: QualitativeGrade | None
    sort_order: int

    @property
    def qualitative(self) -> bool:
        return self.kind == IndicatorKind.QUALITATIVE or self.comparator == Comparator.GRADE


@dataclass(frozen=True)
class Entry:
    """One region's entry of an indicator (a figure) or a budget line (an amount) for one month."""

    region_id: int  # who entered it: the pooling region, or one of its parts
    month: int
    entered_at: datetime
    figure: Figure = field(default_factory=Figure)
    amount: Decimal = Decimal(0)


@dataclass
class ScopeData:
    key: ScopeKey
    year: int
    goal: Goal | None = None
    indicators: list[IndicatorLine] = field(default_factory=list)
    actuals: dict[tuple[uuid.UUID, int], list[Entry]] = field(default_factory=dict)  # (lineage, month)
    budget: dict[BudgetItem, Decimal] = field(default_factory=dict)  # budget_amount per line
    executions: dict[tuple[BudgetItem, int], list[Entry]] = field(default_factory=dict)  # (item, month)


def _within(column: Any, ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    return [] if ids is None else [col(column).in_(sorted(ids))]


def _visible(clause: Clause) -> list[ColumnElement[bool]]:
    return [] if clause is None else [clause]


async def pooling_levels(session: AsyncSession, *, year: int) -> dict[int, PoolingLevel]:
    stmt = select(PoolingArrangement).where(PoolingArrangement.year == year)
    return {p.fund_type_id: p.pooling_level for p in (await session.exec(stmt)).all()}


async def active_funds(session: AsyncSession) -> list[FundType]:
    stmt = select(FundType).where(col(FundType.active)).order_by(col(FundType.sort_order), col(FundType.id))
    return list((await session.exec(stmt)).all())


async def goals_in_force(
    session: AsyncSession,
    *,
    year: int,
    region_ids: Collection[int] | None = None,
    fund_ids: Collection[int] | None = None,
    clause: Clause = None,
) -> dict[ScopeKey, Goal]:
    """The annual goal in force (issued, guiding or formal: Art. 10, 14) of each region × fund."""
    stmt = select(Goal).where(
        Goal.horizon == GoalHorizon.ANNUAL,
        Goal.start_year == year,
        col(Goal.status).in_(sorted(policy.ISSUED_STATES)),
        *_within(Goal.region_id, region_ids),
        *_within(Goal.fund_type_id, fund_ids),
        *_visible(clause),
    )
    found: dict[ScopeKey, Goal] = {}
    for goal in (await session.exec(stmt.order_by(col(Goal.version), col(Goal.id)))).all():
        found[ScopeKey(goal.region_id, goal.fund_type_id)] = goal  # the latest version wins
    return found


def _columns(model: Any, *names: str) -> tuple[Any, ...]:
    """Plain columns, not ORM objects: reads of thousands of rows skip the identity map."""
    return tuple(getattr(model, name) for name in names)


_INDICATOR_COLUMNS = _columns(
    Indicator,
    "id",
    "goal_id",
    "lineage_id",
    "inherited_from_id",
    "level1",
    "level2",
    "level3",
    "kind",
    "comparator",
    "aggregation",
    "unit",
    "target_value",
    "target_grade",
    "sort_order",
)
_ACTUAL_COLUMNS = _columns(
    IndicatorActual,
    "pooling_region_id",
    "fund_type_id",
    "indicator_lineage_id",
    "region_id",
    "month",
    "created_at",
    "value",
    "numerator",
    "denominator",
    "grade",
)
_BUDGET_COLUMNS = (
    FundBudget.region_id,
    FundBudget.fund_type_id,
    *_columns(FundBudgetLine, "item", "initial_amount", "adjusted_amount"),
)
_EXECUTION_COLUMNS = _columns(
    BudgetExecution, "pooling_region_id", "fund_type_id", "item", "region_id", "month", "created_at", "amount"
)


async def indicator_lines(session: AsyncSession, goal_ids: Collection[int]) -> dict[int, list[IndicatorLine]]:
    """The goals' indicators in their order, by goal."""
    stmt = (
        select(*_INDICATOR_COLUMNS)
        .where(col(Indicator.goal_id).in_(sorted(goal_ids)))
        .order_by(col(Indicator.goal_id), col(Indicator.sort_order), col(Indicator.id))
    )
    lines: dict[int, list[IndicatorLine]] = defaultdict(list)
    for row in (await session.exec(stmt)).all():
        line = IndicatorLine(*row)
        lines[line.goal_id].append(line)
    return lines


async def actual_entries(
    session: AsyncSession,
    *,
    year: int,
    months: Collection[int],
    pooling_region_ids: Collection[int] | None = None,
    fund_ids: Collection[int] | None = None,
    clause: Clause = None,
) -> dict[ScopeKey, dict[tuple[uuid.UUID, int], list[Entry]]]:
    stmt = select(*_ACTUAL_COLUMNS).where(
        IndicatorActual.year == year,
        col(IndicatorActual.month).in_(sorted(months)),
        *_within(IndicatorActual.pooling_region_id, pooling_region_ids),
        *_within(IndicatorActual.fund_type_id, fund_ids),
        *_visible(clause),
    )
    found: dict[ScopeKey, dict[tuple[uuid.UUID, int], list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for pooling, fund, lineage, region, month, at, value, numerator, denominator, grade in (
        await session.exec(stmt)
    ).all():
        entry = Entry(region, month, at, figure=Figure(value, numerator, denominator, grade))
        found[ScopeKey(pooling, fund)][lineage, month].append(entry)
    return found


async def budget_amounts(
    session: AsyncSession,
    *,
    year: int,
    region_ids: Collection[int] | None = None,
    fund_ids: Collection[int] | None = None,
    clause: Clause = None,
) -> dict[ScopeKey, dict[BudgetItem, Decimal]]:
    """Each region × fund's budget lines as execution is measured against them (adjusted, else initial)."""
    stmt = (
        select(*_BUDGET_COLUMNS)
        .join(FundBudgetLine, col(FundBudgetLine.budget_id) == FundBudget.id)
        .where(
            FundBudget.year == year,
            *_within(FundBudget.region_id, region_ids),
            *_within(FundBudget.fund_type_id, fund_ids),
            *_visible(clause),
        )
        .order_by(col(FundBudgetLine.sort_order), col(FundBudgetLine.id))
    )
    found: dict[ScopeKey, dict[BudgetItem, Decimal]] = defaultdict(dict)
    for region, fund, item, initial, adjusted in (await session.exec(stmt)).all():
        found[ScopeKey(region, fund)][item] = budget_amount(initial, adjusted)
    return found


async def execution_entries(
    session: AsyncSession,
    *,
    year: int,
    months: Collection[int],
    pooling_region_ids: Collection[int] | None = None,
    fund_ids: Collection[int] | None = None,
    clause: Clause = None,
) -> dict[ScopeKey, dict[tuple[BudgetItem, int], list[Entry]]]:
    stmt = select(*_EXECUTION_COLUMNS).where(
        BudgetExecution.year == year,
        col(BudgetExecution.month).in_(sorted(months)),
        *_within(BudgetExecution.pooling_region_id, pooling_region_ids),
        *_within(BudgetExecution.fund_type_id, fund_ids),
        *_visible(clause),
    )
    found: dict[ScopeKey, dict[tuple[BudgetItem, int], list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for pooling, fund, item, region, month, at, amount in (await session.exec(stmt)).all():
        found[ScopeKey(pooling, fund)][item, month].append(Entry(region, month, at, amount=amount))
    return found


async def rules_of(session: AsyncSession, regions: Iterable[Region]) -> dict[int, RuleSet]:
    """The rules in force in each of `regions` (Art. 23), in one statement whatever their number."""
    wanted = list(regions)
    codes = sorted({code for region in wanted for code in ancestor_codes(region.path)})
    stmt = (
        select(RegionalRule, Region)
        .join(Region, col(Region.id) == RegionalRule.region_id)
        .where(col(Region.code).in_(codes))
    )
    defined = [
        DefinedRule(rule.key, rule.value, RegionFacts.of(region), rule.updated_at)
        for rule, region in (await session.exec(stmt)).all()
    ]
    return {region.id or 0: resolve(RegionFacts.of(region), defined) for region in wanted}


def assemble(
    keys: Iterable[ScopeKey],
    *,
    year: int,
    goals: Mapping[ScopeKey, Goal],
    indicators: Mapping[int, list[IndicatorLine]],
    actuals: Mapping[ScopeKey, dict[tuple[uuid.UUID, int], list[Entry]]],
    budgets: Mapping[ScopeKey, dict[BudgetItem, Decimal]],
    executions: Mapping[ScopeKey, dict[tuple[BudgetItem, int], list[Entry]]],
) -> dict[ScopeKey, ScopeData]:
    """What was read, per scope."""
    data: dict[ScopeKey, ScopeData] = {}
    for key in keys:
        goal = goals.get(key)
        data[key] = ScopeData(
            key=key,
            year=year,
            goal=goal,
            indicators=list(indicators.get(goal.id or 0, [])) if goal is not None else [],
            actuals=dict(actuals.get(key, {})),
            budget=dict(budgets.get(key, {})),
            executions=dict(executions.get(key, {})),
        )
    return data
