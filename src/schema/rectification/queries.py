"""Reading rectification items: `rectificationItems(year, regionCode, status, fundCode)` (paged, what the
caller may read) and `rectificationItem(id)`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.rectification import RectificationItem as RectificationItemRow
from src.models.rectification import RectificationStatus
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.rectification.types import RectificationItem, RectificationItemResult
from src.schema.transaction import current_actor
from src.services.rectification.items import ItemFilter, items_select, visible_item

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class RectificationQueries:
    @strawberry.field(
        permission_classes=AUTH,
        description="整改事项列表（可按年度、地区代码、状态、险种代码），按 ID 排序",
    )
    async def rectification_items(
        self,
        info: Info,
        year: int | None = None,
        region_code: str | None = None,
        status: RectificationStatus | None = None,
        fund_code: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[RectificationItem]:
        where = ItemFilter(year=year, region_code=region_code, status=status, fund_code=fund_code)
        stmt = items_select(current_actor(info), where)
        return await paginate(
            info, stmt, RectificationItemRow.id, RectificationItem.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询整改事项")
    async def rectification_item(self, info: Info, id: strawberry.ID) -> RectificationItemResult:
        item_id = parse_id(id, "RectificationItem")
        async with info.context.sessionmaker() as session:
            row = await visible_item(session=session, actor=current_actor(info), item_id=item_id)
        return RectificationItem.from_row(row)
