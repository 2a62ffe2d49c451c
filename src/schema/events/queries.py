import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.filters import EventFilter, resolve_filter
from src.events.message import EventMessage
from src.events.reads import MAX_PAGE, data_version, events_after
from src.schema.context import Info
from src.schema.events.types import EventPage, StatusEvent, StatusEventFilter
from src.schema.ids import MAX_ID
from src.schema.list_sizes import max_items
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed


def event_id(value: strawberry.ID | None, field: str) -> int:
    """An event id given as a cursor (0 for none): a whole number from 0 up."""
    if value is None:
        return 0
    text = str(value)
    if not text.isdigit() or int(text) > MAX_ID:
        raise ValidationFailed(
            [FieldProblem(field, f"事件序号应为 0 到 {MAX_ID} 的整数", ErrorCode.OUT_OF_RANGE)]
        )
    return int(text)


async def event_filter(session: AsyncSession, f: StatusEventFilter | None, prefix: str) -> EventFilter:
    f = f or StatusEventFilter()
    return await resolve_filter(
        session=session,
        kinds=f.kinds or (),
        region_code=f.region_code,
        include_descendants=f.include_descendants,
        fund_type_code=f.fund_type_code,
        field_prefix=prefix,
    )


@strawberry.type
class EventQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="数据版本：最新事件的序号。每次提交的修改都写一个事件，未变即数据没有任何变更（缓存可据此判断是否需要刷新）",
    )
    async def data_version(self, info: Info) -> str:
        async with info.context.sessionmaker() as session:
            return str(await data_version(session=session))

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description=f"补读事件：序号在 after 之后、您可查看的事件，按序号排列，每页最多 {MAX_PAGE} 个",
        metadata=max_items(MAX_PAGE),
    )
    async def events(
        self,
        info: Info,
        after: strawberry.ID | None = None,
        first: int = 100,
        filter: StatusEventFilter | None = None,
    ) -> EventPage:
        if not 1 <= first <= MAX_PAGE:
            raise ValidationFailed(
                [FieldProblem("first", f"每页 1 到 {MAX_PAGE} 个", ErrorCode.OUT_OF_RANGE)]
            )
        start = event_id(after, "after")
        async with info.context.sessionmaker() as session:
            matching = await event_filter(session, filter, "filter")
            rows = await events_after(
                session=session,
                actor=current_actor(info),
                after=start,
                first=first + 1,
                event_filter=matching,
            )
        page = [StatusEvent.of(EventMessage.of(row)) for row in rows[:first]]
        return EventPage(events=page, last_event_id=page[-1].id if page else None, has_more=len(rows) > first)
