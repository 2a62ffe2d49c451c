"""Reading disclosures: `disclosures(year, regionCode)` (paged, what the caller may read) and
`disclosure(id)`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.disclosure import Disclosure as DisclosureRow
from src.schema.context import Info
from src.schema.disclosure.types import Disclosure, DisclosureResult
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.disclosure.disclosures import disclosures_select, visible_disclosure

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class DisclosureQueries:
    @strawberry.field(
        permission_classes=AUTH, description="绩效信息公开列表（可按年度、地区代码），按 ID 排序"
    )
    async def disclosures(
        self,
        info: Info,
        year: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Disclosure]:
        stmt = disclosures_select(current_actor(info), year=year, region_code=region_code)
        return await paginate(info, stmt, DisclosureRow.id, Disclosure.from_row, PageRequest(first, after))

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询绩效信息公开")
    async def disclosure(self, info: Info, id: strawberry.ID) -> DisclosureResult:
        disclosure_id = parse_id(id, "Disclosure")
        async with info.context.sessionmaker() as session:
            row = await visible_disclosure(
                session=session, actor=current_actor(info), disclosure_id=disclosure_id
            )
        return Disclosure.from_row(row)
