import strawberry

from src.models import Goal as GoalRow
from src.models import Indicator as IndicatorRow
from src.schema.context import Info
from src.schema.goals.loaders import goal_by_id
from src.schema.goals.pages import goal_page_fetcher
from src.schema.goals.types import Goal, GoalFilter, GoalResult, Indicator, IndicatorResult, visible_goals
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.errors import NotFound
from src.services.goals.reads import GoalQuery, goals_select


@strawberry.type
class GoalQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="按 ID 查询绩效目标")
    async def goal(self, info: Info, id: strawberry.ID) -> GoalResult:
        row = await info.context.loaders[goal_by_id].load(parse_id(id, "Goal"))
        visible = await visible_goals(info, [row]) if row else []
        if not visible:  # an invisible goal is reported as absent, so its existence does not leak
            raise NotFound("绩效目标", id)
        return visible[0]

    @strawberry.field(permission_classes=[IsAuthenticated], description="绩效目标列表，按 ID 排序")
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
        stmt = goals_select(query, current_actor(info))
        page = PageRequest(first, after)
        return await paginate(info, stmt, GoalRow.id, Goal.from_row, page, fetch=goal_page_fetcher(info))

    @strawberry.field(permission_classes=[IsAuthenticated], description="按 ID 查询绩效指标")
    async def indicator(self, info: Info, id: strawberry.ID) -> IndicatorResult:
        async with info.context.sessionmaker() as session:
            row = await session.get(IndicatorRow, parse_id(id, "Indicator"))
        goal = await info.context.loaders[goal_by_id].load(row.goal_id) if row else None
        if row is None or goal is None or not await visible_goals(info, [goal]):
            raise NotFound("绩效指标", id)
        return Indicator.from_row(row)
