"""Demo fund budgets: every region's figures for every fund and year, and the budget rows with their lines."""

import random
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Goal
from src.models.enums import BUDGET_ITEM_CATEGORY, BudgetItem, BudgetStatus, GoalHorizon
from src.seed.demo.context import (
    ADJUSTED_YEARS,
    YEARS,
    DemoReference,
    ScopeKey,
    bulk_insert,
    prefecture_size,
    row_id,
    scope_regions,
)
from src.seed.demo.figures import (
    BudgetFigures,
    FundProfile,
    PrefectureSize,
    basis_shares,
    plan_budgets,
    sum_budgets,
)
from src.seed.demo.goals import GoalPlan
from src.services.policy import ISSUED_STATES


def plan_figures(
    rng: random.Random,
    ref: DemoReference,
    sizes: dict[str, PrefectureSize],
    profiles: dict[str, FundProfile],
) -> dict[ScopeKey, BudgetFigures]:
    """Every prefecture's figures for every fund; the province's are their sum, whatever the pooling."""
    plans: dict[ScopeKey, BudgetFigures] = {}
    for fund in ref.funds:
        profile = profiles[fund.code]
        shares = basis_shares([prefecture_size(sizes, r) for r in ref.prefectures], profile.basis)
        for region in ref.prefectures:
            yearly = plan_budgets(
                rng, profile=profile, share=shares[region.code], years=YEARS, adjusted_years=ADJUSTED_YEARS
            )
            for year, figures in yearly.items():
                plans[(region.code, fund.code, year)] = figures
        for year in YEARS:
            parts = [plans[(r.code, fund.code, year)] for r in ref.prefectures]
            plans[(ref.province.code, fund.code, year)] = sum_budgets(parts)
    return plans


def goals_in_force(goals: list[GoalPlan]) -> dict[ScopeKey, Goal]:
    """Each scope's annual goal in force: issued (guiding or formal), the newest version of those."""
    in_force: dict[ScopeKey, Goal] = {}
    for plan in goals:
        goal = plan.goal
        if goal.horizon != GoalHorizon.ANNUAL or goal.status not in ISSUED_STATES:
            continue
        key = (plan.region.code, plan.fund.code, plan.year)
        if key not in in_force or goal.version > in_force[key].version:
            in_force[key] = goal
    return in_force


async def add_budgets(
    session: AsyncSession,
    ref: DemoReference,
    goals: list[GoalPlan],
    figures: dict[ScopeKey, BudgetFigures],
) -> tuple[int, int]:
    """Budgets for the goals' regions; approved only where the annual goal is issued (goals come first),
    on that goal version (Art. 7)."""
    in_force = goals_in_force(goals)
    budgets: list[tuple[FundBudget, BudgetFigures]] = []
    for year in YEARS:
        for fund in ref.funds:
            for region in scope_regions(ref, fund, year):
                key = (region.code, fund.code, year)
                goal = in_force.get(key)
                budget = FundBudget(
                    region_id=row_id(region),
                    fund_type_id=row_id(fund),
                    year=year,
                    status=BudgetStatus.DRAFT if goal is None else BudgetStatus.APPROVED,
                    approved_goal_id=None if goal is None else row_id(goal),
                )
                budgets.append((budget, figures[key]))
    session.add_all([b for b, _ in budgets])
    await session.flush()

    lines: list[dict[str, Any]] = [
        {
            "budget_id": row_id(budget),
            "category": BUDGET_ITEM_CATEGORY[item],
            "item": item,
            "initial_amount": amounts[item].initial,
            "adjusted_amount": amounts[item].adjusted,
            "sort_order": order,
        }
        for budget, amounts in budgets
        for order, item in enumerate(BudgetItem, start=1)
    ]
    await bulk_insert(session, FundBudgetLine, lines)
    return len(budgets), len(lines)
