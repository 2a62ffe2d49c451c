"""Where a budget sits for visibility (src/subjects/scope.py): its region and its fund's administration;
a budget is never a draft hidden from the regions below it."""

from sqlalchemy import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundType, Region
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope


def budget_record_scope(budget: FundBudget, region: Region, fund: FundType) -> RecordScope:
    return RecordScope(
        region_id=budget.region_id,
        region_path=region.path,
        fund_type_id=budget.fund_type_id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
    )


async def budget_scope(session: AsyncSession, budget: FundBudget) -> RecordScope:
    region = await kept_row(session, Region, budget.region_id)
    fund = await kept_row(session, FundType, budget.fund_type_id)
    assert region is not None and fund is not None
    return budget_record_scope(budget, region, fund)


def budget_columns() -> ColumnTerms:
    return ColumnTerms(
        region_path=region_path_of(FundBudget.region_id), addressed=fund_addressed(FundBudget.fund_type_id)
    )


def visible_budgets_clause(actor: Actor) -> ColumnElement[bool]:
    """The budgets `actor` may read, as SQL (policy.visibility)."""
    return policy.visible_clause(actor, budget_columns())
