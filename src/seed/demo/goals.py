"""Demo goals: overall and annual goals per fund, pooling region and year, and their statuses."""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.models.enums import BudgetItem, GoalHorizon, GoalStatus, RegionLevel
from src.seed.demo.context import PERIODS, YEARS, DemoReference, ScopeKey, row_id, scope_regions
from src.seed.demo.figures import CENT, EXPENDITURE_ITEMS, REVENUE_ITEMS, YUAN_PER_YI, BudgetFigures

# 2026 goal statuses of the prefectures (the province's are issued, formally or as guiding, Art. 10).
PREFECTURE_STATUSES = {
    GoalStatus.ISSUED: 70,
    GoalStatus.SUBMITTED: 12,
    GoalStatus.PRELIMINARY_REVIEWED: 6,
    GoalStatus.DRAFT: 12,
}


def issued_at(level: RegionLevel, status: GoalStatus, year: int) -> datetime | None:
    """When a demo goal in force was issued (Art. 10): as guiding at the budget deployment in December
    before its year, formally in March; the province first, the prefectures after it (10:00 in China)."""
    if status not in (GoalStatus.ISSUED, GoalStatus.ISSUED_GUIDING):
        return None
    day = 5 if level == RegionLevel.PROVINCE else 20
    if status == GoalStatus.ISSUED_GUIDING:
        return datetime(year - 1, 12, day, 2, tzinfo=UTC)
    return datetime(year, 3, day, 2, tzinfo=UTC)


@dataclass(frozen=True)
class GoalPlan:
    goal: Goal
    fund: FundType
    region: Region
    year: int  # the budget year; an overall goal covers the period around it


def draw_statuses(rng: random.Random, ref: DemoReference) -> dict[ScopeKey, GoalStatus]:
    """First year: all issued. Then the province issued or issued as guiding; prefectures mostly issued."""
    statuses: dict[ScopeKey, GoalStatus] = {}
    for year in YEARS:
        for fund in ref.funds:
            for region in scope_regions(ref, fund, year):
                if year == YEARS[0]:
                    status = GoalStatus.ISSUED
                elif region.level == RegionLevel.PROVINCE:
                    status = GoalStatus.ISSUED if rng.random() < 0.6 else GoalStatus.ISSUED_GUIDING
                else:
                    [status] = rng.choices(list(PREFECTURE_STATUSES), list(PREFECTURE_STATUSES.values()))
                statuses[(region.code, fund.code, year)] = status
    return statuses


def _yi(amount: Decimal) -> str:
    return f"{(amount / YUAN_PER_YI).quantize(CENT):,}"


def _total(budget: BudgetFigures, items: Sequence[BudgetItem]) -> Decimal:
    return sum((budget[i].initial for i in items), Decimal(0))


def _goal(
    *,
    fund: FundType,
    region: Region,
    year: int,
    horizon: GoalHorizon,
    status: GoalStatus,
    budget: BudgetFigures,
    overall: Goal | None = None,
    parent: Goal | None = None,
) -> Goal:
    if horizon == GoalHorizon.OVERALL:
        start, end = PERIODS[year]
        title = f"{region.name}{start}—{end}年{fund.name_zh}预算绩效总体目标"
        content = (
            f"{start}—{end}年，{region.name}{fund.name_zh}持续扩大参保覆盖面，健全筹资和待遇调整机制，"
            "强化基金预算管理和风险防控，保持累计结余合理水平，实现基金收支平衡、略有结余、安全可持续。"
        )
    else:
        start = end = year
        revenue, expenditure = _total(budget, REVENUE_ITEMS), _total(budget, EXPENDITURE_ITEMS)
        accumulated = budget[BudgetItem.ACCUMULATED_BALANCE].initial
        title = f"{region.name}{year}年{fund.name_zh}预算绩效年度目标"
        content = (
            f"{year}年{region.name}{fund.name_zh}预算收入{_yi(revenue)}亿元、支出{_yi(expenditure)}亿元，"
            f"年末滚存结余{_yi(accumulated)}亿元。确保待遇按时足额发放，基金收入应收尽收，"
            "支出规范高效，基金运行安全可持续。"
        )
    return Goal(
        title=title,
        horizon=horizon,
        start_year=start,
        end_year=end,
        content=content,
        fund_type_id=row_id(fund),
        region_id=row_id(region),
        status=status,
        issued_at=issued_at(region.level, status, year),
        overall_goal_id=None if overall is None else row_id(overall),
        parent_goal_id=None if parent is None else row_id(parent),
    )


async def add_goals(
    session: AsyncSession,
    ref: DemoReference,
    statuses: dict[ScopeKey, GoalStatus],
    budgets: dict[ScopeKey, BudgetFigures],
) -> list[GoalPlan]:
    """Overall and annual goals per fund × pooling region × year, in three flushes so links get their ids.

    The province-wide goal is the parent of each prefecture's goal of a prefecture-pooled fund.
    """

    def plan(
        fund: FundType,
        region: Region,
        year: int,
        horizon: GoalHorizon,
        overall: Goal | None,
        parent: Goal | None,
    ) -> GoalPlan:
        key = (region.code, fund.code, year)
        goal = _goal(
            fund=fund,
            region=region,
            year=year,
            horizon=horizon,
            status=statuses[key],
            budget=budgets[key],
            overall=overall,
            parent=parent,
        )
        return GoalPlan(goal=goal, fund=fund, region=region, year=year)

    scopes = [(fund, year) for year in YEARS for fund in ref.funds]
    province_overall = [plan(f, ref.province, y, GoalHorizon.OVERALL, None, None) for f, y in scopes]
    await _flush_goals(session, province_overall)

    province_annual = [
        plan(p.fund, ref.province, p.year, GoalHorizon.ANNUAL, p.goal, None) for p in province_overall
    ]
    prefecture_overall = [
        (plan(p.fund, region, p.year, GoalHorizon.OVERALL, None, p.goal), annual)
        for p, annual in zip(province_overall, province_annual, strict=True)
        for region in scope_regions(ref, p.fund, p.year)[1:]
    ]
    await _flush_goals(session, [*province_annual, *(p for p, _ in prefecture_overall)])

    prefecture_annual = [
        plan(p.fund, p.region, p.year, GoalHorizon.ANNUAL, p.goal, annual.goal)
        for p, annual in prefecture_overall
    ]
    await _flush_goals(session, prefecture_annual)
    return [*province_overall, *province_annual, *(p for p, _ in prefecture_overall), *prefecture_annual]


async def _flush_goals(session: AsyncSession, plans: Iterable[GoalPlan]) -> None:
    session.add_all([p.goal for p in plans])
    await session.flush()
