"""The decomposition table (分解表, Art. 6 「分解下达至统筹地区」): before a province-wide goal of a fund
pooled below the province is issued, it holds every pooling region's target for each quantitative indicator.

- SUM indicators (amounts, counts) split: the regions' targets add up exactly to the province's. The default
  splits by each region's share of the fund's expenditure budget for the year; a target is rounded down to
  the quantum (0.01, or the province target's own finer places, at most 0.0001) and the units left over go
  to the largest remainders (ties: the lower region code), so the sum is exact.
- RATE and NONE indicators take the province's value by default.
Any cell may be set by hand while the goal is a draft (goalDecompositionUpdate); issuing freezes the table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Goal, GoalDecompositionTarget, Indicator, Region
from src.models.enums import Aggregation, BudgetLineCategory, IndicatorKind, RegionLevel
from src.models.goal import TARGET_VALUE
from src.services.errors import (
    GoalErrorCode,
    PreconditionFailed,
)
from src.services.pooling import pooling_level, pooling_region_level

SHARE_BASIS = "各统筹地区该险种当年基金支出预算占比"


@dataclass(frozen=True)
class Cell:
    region: Region
    share: Decimal | None  # SUM only: the region's share of the budget basis
    default_value: Decimal | None
    target_value: Decimal | None  # the stored value, else the default
    edited: bool


@dataclass(frozen=True)
class IndicatorSplit:
    indicator: Indicator
    cells: list[Cell]

    @property
    def total(self) -> Decimal | None:
        values = [c.target_value for c in self.cells]
        return (
            None if any(v is None for v in values) else sum((v for v in values if v is not None), Decimal(0))
        )


@dataclass(frozen=True)
class DecompositionTable:
    goal: Goal
    regions: list[Region]
    share_basis: str | None  # None: some region has no budget for the year, SUM targets are entered by hand
    rows: list[IndicatorSplit]
    problems: list[str]

    @property
    def complete(self) -> bool:
        return not self.problems


async def pooling_regions_below(session: AsyncSession, goal: Goal) -> list[Region] | None:
    """The pooling regions a province-wide goal splits into; None when the goal has no decomposition (a
    pooling region's own goal, or a fund the province pools itself)."""
    province = await session.get(Region, goal.region_id)
    assert province is not None
    if province.level != RegionLevel.PROVINCE:
        return None
    level = pooling_region_level(
        await pooling_level(session=session, fund_type_id=goal.fund_type_id, year=goal.start_year)
    )
    if level == RegionLevel.PROVINCE:
        return None
    stmt = (
        select(Region)
        .where(col(Region.path).startswith(province.path, autoescape=True), Region.level == level)
        .order_by(col(Region.code))
    )
    return list((await session.exec(stmt)).all())


async def budget_shares(
    session: AsyncSession, *, fund_type_id: int, year: int, regions: Sequence[Region]
) -> dict[int, Decimal] | None:
    """Each region's expenditure budget (adjusted, else initial) for the fund and year; None unless every
    region has a positive one."""
    amount = func.coalesce(FundBudgetLine.adjusted_amount, FundBudgetLine.initial_amount)
    stmt = (
        select(FundBudget.region_id, amount)
        .join(FundBudgetLine, col(FundBudgetLine.budget_id) == FundBudget.id)
        .where(
            FundBudget.fund_type_id == fund_type_id,
            FundBudget.year == year,
            col(FundBudget.region_id).in_([r.id for r in regions]),
            FundBudgetLine.category == BudgetLineCategory.EXPENDITURE,
        )
    )
    totals: dict[int, Decimal] = {}
    for region_id, value in (await session.exec(stmt)).all():
        totals[region_id] = totals.get(region_id, Decimal(0)) + Decimal(value)
    if any(totals.get(r.id or 0, Decimal(0)) <= 0 for r in regions):
        return None
    return totals


def quantum_of(target: Decimal) -> Decimal:
    exponent = target.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    return Decimal(1).scaleb(-min(places, TARGET_VALUE.scale))


def split(total: Decimal, weights: dict[int, Decimal], order: Sequence[int]) -> dict[int, Decimal]:
    """`total` in proportion to `weights`, rounded down to the quantum, the rest by largest remainder."""
    quantum = quantum_of(total)
    basis = sum(weights.values(), Decimal(0))
    exact = {key: total * weights[key] / basis for key in order}
    parts = {key: exact[key].quantize(quantum, rounding=ROUND_DOWN) for key in order}
    left = int((total - sum(parts.values(), Decimal(0))) / quantum)
    by_remainder = sorted(order, key=lambda k: (-(exact[k] - parts[k]), order.index(k)))
    for key in by_remainder[:left]:
        parts[key] += quantum
    return parts


async def quantitative_indicators(session: AsyncSession, goal_id: int | None) -> list[Indicator]:
    stmt = (
        select(Indicator)
        .where(Indicator.goal_id == goal_id, Indicator.kind == IndicatorKind.QUANTITATIVE)
        .order_by(col(Indicator.sort_order), col(Indicator.id))
    )
    return list((await session.exec(stmt)).all())


async def stored_cells(
    session: AsyncSession, goal_id: int | None
) -> dict[tuple[int, int], GoalDecompositionTarget]:
    stmt = select(GoalDecompositionTarget).where(GoalDecompositionTarget.goal_id == goal_id)
    return {(t.indicator_id, t.region_id): t for t in (await session.exec(stmt)).all()}


def _value(row: GoalDecompositionTarget | None, default: Decimal | None) -> Decimal | None:
    return default if row is None else row.target_value


def _by_hand(row: GoalDecompositionTarget | None) -> bool:
    return row is not None and row.by_hand


async def build_table(session: AsyncSession, goal: Goal) -> DecompositionTable | None:
    regions = await pooling_regions_below(session, goal)
    if regions is None:
        return None
    shares = await budget_shares(
        session, fund_type_id=goal.fund_type_id, year=goal.start_year, regions=regions
    )
    stored = await stored_cells(session, goal.id)
    order = [r.id or 0 for r in regions]
    basis = sum(shares.values(), Decimal(0)) if shares else None
    rows: list[IndicatorSplit] = []
    problems: list[str] = []
    for indicator in await quantitative_indicators(session, goal.id):
        assert indicator.id is not None
        target = indicator.target_value
        defaults: dict[int, Decimal | None]
        if indicator.aggregation == Aggregation.SUM:
            if shares is not None and target is not None:
                defaults = dict(split(target, shares, order))
            else:
                defaults = dict.fromkeys(order, None)
        else:
            defaults = dict.fromkeys(order, target)
        cells = [
            Cell(
                region=region,
                share=(shares[region.id or 0] / basis).quantize(Decimal("0.000001"))
                if shares is not None and basis and indicator.aggregation == Aggregation.SUM
                else None,
                default_value=defaults[region.id or 0],
                target_value=_value(stored.get((indicator.id, region.id or 0)), defaults[region.id or 0]),
                edited=_by_hand(stored.get((indicator.id, region.id or 0))),
            )
            for region in regions
        ]
        row = IndicatorSplit(indicator=indicator, cells=cells)
        missing = [c.region.name for c in cells if c.target_value is None]
        if missing:
            problems.append(f"“{indicator.level3}”尚未填写{'、'.join(missing)}的分解目标值")
        elif indicator.aggregation == Aggregation.SUM and row.total != target:
            total = row.total or Decimal(0)
            problems.append(
                f"“{indicator.level3}”各统筹地区目标值合计 {total.normalize():f}，"
                f"与全省目标值 {(target or Decimal(0)).normalize():f} 不一致"
            )
        rows.append(row)
    return DecompositionTable(
        goal=goal,
        regions=regions,
        share_basis=SHARE_BASIS if shares is not None else None,
        rows=rows,
        problems=problems,
    )


async def require_complete(session: AsyncSession, goal: Goal) -> DecompositionTable | None:
    """Issuing is refused while the table lacks a target or a SUM does not add up (Art. 6)."""
    table = await build_table(session, goal)
    if table is not None and table.problems:
        shown = "；".join(table.problems[:5]) + ("等" if len(table.problems) > 5 else "")
        raise PreconditionFailed(
            f"分解表不完整，不能下达（第六条：分解下达至统筹地区）：{shown}",
            code=GoalErrorCode.DECOMPOSITION_INCOMPLETE,
        )
    return table
