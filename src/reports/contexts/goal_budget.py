"""The budget block of the goal table (预算情况（万元）, FORMS.md §1D): 收入, 支出, 当年结余, 滚存结余.

Figures are printed in 万元 with two places, and they cross-foot as printed: revenue and expenditure are
rounded first, and the year's balance printed is their difference (rounded revenue − rounded expenditure),
not the stored balance rounded on its own, so a reader checking 收入 − 支出 = 结余 on the printed figures
finds it exact. The accumulated balance (年末滚存结余) is the stored figure rounded. An annual goal shows its
year's budget; an overall goal (Art. 8) the budgets of its years on record, totalled (the accumulated
balance at the end of the last of them), with `basis` saying which years they are.
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Goal
from src.models.enums import BudgetItem, BudgetLineCategory, GoalHorizon

WAN = Decimal(10_000)
CENT = Decimal("0.01")
NONE = "—"
FIGURES = ("revenue", "expenditure", "current_balance", "accumulated_balance")


def in_wan(amount: Decimal) -> Decimal:
    """Yuan as 万元, rounded half up to two places (as a reader rounds)."""
    return (amount / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def wan_yuan(amount: Decimal | None) -> str:
    """Yuan as 万元 with two places and separators (1,234.56)."""
    return NONE if amount is None else f"{in_wan(amount):,}"


def _current(line: FundBudgetLine) -> Decimal:
    return line.adjusted_amount if line.adjusted_amount is not None else line.initial_amount


def _year_figures(lines: Sequence[FundBudgetLine]) -> tuple[Decimal, Decimal, Decimal | None]:
    """Revenue and expenditure (yuan) and the accumulated balance (yuan, None when not budgeted)."""

    def total(category: BudgetLineCategory) -> Decimal:
        return sum((_current(line) for line in lines if line.category == category), Decimal(0))

    accumulated = next((_current(li) for li in lines if li.item == BudgetItem.ACCUMULATED_BALANCE), None)
    return total(BudgetLineCategory.REVENUE), total(BudgetLineCategory.EXPENDITURE), accumulated


def budget_block(years: Mapping[int, Sequence[FundBudgetLine]], goal: Goal) -> dict[str, str]:
    """The printed figures and their basis, from the budget lines of each year on record."""
    on_record = sorted(year for year, lines in years.items() if lines)
    if not on_record:
        return {**dict.fromkeys(FIGURES, NONE), "basis": "暂无基金预算"}
    revenue = expenditure = Decimal(0)
    accumulated: Decimal | None = None
    for year in on_record:
        year_revenue, year_expenditure, accumulated = _year_figures(years[year])
        revenue += year_revenue
        expenditure += year_expenditure
    printed_revenue, printed_expenditure = in_wan(revenue), in_wan(expenditure)
    if goal.horizon == GoalHorizon.ANNUAL:
        basis = f"{goal.start_year}年度基金预算"
    else:
        listed = "、".join(str(y) for y in on_record)
        full = on_record == list(range(goal.start_year, goal.end_year + 1))
        basis = f"{goal.start_year}—{goal.end_year}年基金预算合计"
        if not full:
            basis += f"（已编制{listed}年度预算）"
    return {
        "revenue": f"{printed_revenue:,}",
        "expenditure": f"{printed_expenditure:,}",
        "current_balance": f"{printed_revenue - printed_expenditure:,}",
        "accumulated_balance": wan_yuan(accumulated),
        "basis": basis,
    }


async def goal_budget(session: AsyncSession, goal: Goal) -> dict[str, str]:
    """The budget block of `goal`: its region's and fund's budgets of the goal's years."""
    stmt = (
        select(FundBudget.year, FundBudgetLine)
        .join(FundBudget, col(FundBudget.id) == FundBudgetLine.budget_id)
        .where(
            FundBudget.region_id == goal.region_id,
            FundBudget.fund_type_id == goal.fund_type_id,
            col(FundBudget.year) >= goal.start_year,
            col(FundBudget.year) <= goal.end_year,
        )
        .order_by(col(FundBudget.year), col(FundBudgetLine.sort_order))
    )
    years: dict[int, list[FundBudgetLine]] = {}
    for year, line in (await session.exec(stmt)).all():
        years.setdefault(year, []).append(line)
    return budget_block(years, goal)
