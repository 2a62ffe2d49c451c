"""Reading budgets: rows of the actor's region and below, or above it, of the funds it works on."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, not_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundBudget, Goal
from src.models.enums import BudgetStatus, GoalStatus
from src.services.actors import Actor
from src.services.budgets.scope import visible_budgets_clause
from src.services.filters import narrow


@dataclass(frozen=True)
class BudgetQuery:
    year: int | None = None
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    status: BudgetStatus | None = None
    # True: approved budgets whose goal version has been superseded since (需重新批复, Art. 14);
    # False: every other budget.
    goal_superseded: bool | None = None


def needs_reapproval() -> ColumnElement[bool]:
    """The budget is approved and the goal version its approval rested on is SUPERSEDED (Art. 7, 14).

    EXISTS, never NULL: its negation holds for drafts and budgets without a recorded goal alike.
    """
    superseded = exists().where(
        col(Goal.id) == col(FundBudget.approved_goal_id), col(Goal.status) == GoalStatus.SUPERSEDED
    )
    return and_(col(FundBudget.status) == BudgetStatus.APPROVED, superseded)


def budgets_select(query: BudgetQuery, actor: Actor) -> SelectOfScalar[FundBudget]:
    stmt = select(FundBudget).where(visible_budgets_clause(actor))
    if query.year is not None:
        stmt = stmt.where(FundBudget.year == query.year)
    if query.status is not None:
        stmt = stmt.where(FundBudget.status == query.status)
    if query.goal_superseded is not None:
        stmt = stmt.where(needs_reapproval() if query.goal_superseded else not_(needs_reapproval()))
    return narrow(stmt, query, region_column=FundBudget.region_id, fund_column=FundBudget.fund_type_id)
