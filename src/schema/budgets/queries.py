import strawberry

from src.models import FundBudget as BudgetRow
from src.schema.budgets.types import BudgetFilter, FundBudget, FundBudgetResult, budget_visible
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.budgets.reads import BudgetQuery, budgets_select
from src.services.errors import NotFound


@strawberry.type
class BudgetQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="按 ID 查询基金预算")
    async def budget(self, info: Info, id: strawberry.ID) -> FundBudgetResult:
        async with info.context.sessionmaker() as session:
            row = await session.get(BudgetRow, parse_id(id, "FundBudget"))
        if row is None or not await budget_visible(info, row):
            raise NotFound("基金预算", id)
        return FundBudget.from_row(row)

    @strawberry.field(permission_classes=[IsAuthenticated], description="基金预算列表，按 ID 排序")
    async def budgets(
        self,
        info: Info,
        filter: BudgetFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[FundBudget]:
        f = filter or BudgetFilter()
        query = BudgetQuery(
            year=f.year,
            fund_type_code=f.fund_type_code,
            region_code=f.region_code,
            include_descendants=f.include_descendants,
            status=f.status,
            goal_superseded=f.goal_superseded,
        )
        stmt = budgets_select(query, current_actor(info))
        return await paginate(info, stmt, BudgetRow.id, FundBudget.from_row, PageRequest(first, after))
