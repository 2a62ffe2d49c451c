"""Reading budgets: rows of the actor's region and below, or above it, of the funds it works on."""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundBudget
from src.models.enums import BudgetStatus
from src.services import policy
from src.services.actors import Actor
from src.services.filters import narrow


@dataclass(frozen=True)
class BudgetQuery:
    year: int | None = None
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    status: BudgetStatus | None = None


def budgets_select(query: BudgetQuery, actor: Actor) -> SelectOfScalar[FundBudget]:
    visible = policy.visible_region_clause(
        policy.reader(actor), FundBudget.region_id, FundBudget.fund_type_id
    )
    stmt = select(FundBudget).where(visible)
    if query.year is not None:
        stmt = stmt.where(FundBudget.year == query.year)
    if query.status is not None:
        stmt = stmt.where(FundBudget.status == query.status)
    return narrow(stmt, query, region_column=FundBudget.region_id, fund_column=FundBudget.fund_type_id)
