import strawberry

from src.models import Goal as GoalRow
from src.models import Indicator as IndicatorRow
from src.schema.context import Info
from src.schema.goals.types import Goal, GoalFilter, GoalResult, Indicator, IndicatorResult
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.services.errors import NotFound
from src.services.filters import GoalQuery, goals_select


@strawberry.type
class GoalQueries:
    @strawberry.field(description="按 ID 查询绩效目标")
    async def goal(self, info: Info, id: strawberry.ID) -> GoalResult:
        row = await info.context.loaders.goal.load(parse_id(id, "Goal"))
        if row is None:
            raise NotFound("绩效目标", id)
        return Goal.from_row(row)

    @strawberry.field(description="绩效目标列表，按 ID 排序")
    async def goals(
        self,
        info: Info,
        filter: GoalFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Goal]:
        f = filter or GoalFilter()
        query = GoalQuery(
            year=f.year,
            fund_type_code=f.fund_type_code,
            region_code=f.region_code,
            include_descendants=f.include_descendants,
            statuses=list(f.status or []),
            horizon=f.horizon,
        )
        return await paginate(info, goals_select(query), GoalRow.id, Goal.from_row, PageRequest(first, after))

    @strawberry.field(description="按 ID 查询绩效指标")
    async def indicator(self, info: Info, id: strawberry.ID) -> IndicatorResult:
        async with info.context.sessionmaker() as session:
            row = await session.get(IndicatorRow, parse_id(id, "Indicator"))
        if row is None:
            raise NotFound("绩效指标", id)
        return Indicator.from_row(row)
