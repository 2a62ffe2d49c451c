"""Reading entries: a goal's actuals (every version of its lineage in its year) and a budget's execution,
as their readers may see them (src/services/monitoring/scope.py: an entry sits at the region that entered
it, so a county's part is seen by the county and above, never by its neighbours). A goal or budget the
reader may not see has no entries for it."""

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundBudget, Goal, Region
from src.models.monitoring import BudgetExecution, IndicatorActual
from src.services import policy
from src.services.actors import Actor
from src.services.budgets.scope import budget_scope
from src.services.goals.scope import goal_scope
from src.services.monitoring.scope import visible_actuals_clause, visible_executions_clause


def _region_id(code: str) -> sa.ScalarSelect[int | None]:
    return select(Region.id).where(Region.code == code).scalar_subquery()


async def actuals_select(
    *,
    session: AsyncSession,
    actor: Actor,
    goal_id: int,
    month: int | None = None,
    region_code: str | None = None,
) -> SelectOfScalar[IndicatorActual]:
    """The actuals of the goal's lineage and year that `actor` may read, optionally of one month and one
    entering region."""
    goal = await session.get(Goal, goal_id)
    stmt = select(IndicatorActual).where(visible_actuals_clause(policy.reader(actor)))
    if goal is None or not policy.visible(actor, await goal_scope(session, goal)):
        return stmt.where(sa.false())
    stmt = stmt.where(
        IndicatorActual.goal_lineage_id == goal.lineage_id, IndicatorActual.year == goal.start_year
    )
    if month is not None:
        stmt = stmt.where(IndicatorActual.month == month)
    if region_code is not None:
        stmt = stmt.where(col(IndicatorActual.region_id) == _region_id(region_code))
    return stmt


async def executions_select(
    *,
    session: AsyncSession,
    actor: Actor,
    budget_id: int,
    month: int | None = None,
    region_code: str | None = None,
) -> SelectOfScalar[BudgetExecution]:
    """The budget's execution rows that `actor` may read, optionally of one month and one entering region."""
    budget = await session.get(FundBudget, budget_id)
    stmt = select(BudgetExecution).where(visible_executions_clause(policy.reader(actor)))
    if budget is None or not policy.visible(actor, await budget_scope(session, budget)):
        return stmt.where(sa.false())
    stmt = stmt.where(BudgetExecution.budget_id == budget_id)
    if month is not None:
        stmt = stmt.where(BudgetExecution.month == month)
    if region_code is not None:
        stmt = stmt.where(col(BudgetExecution.region_id) == _region_id(region_code))
    return stmt
