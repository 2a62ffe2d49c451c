import strawberry
from graphql import GraphQLError

from src.models import Region as RegionRow
from src.schema.context import Info
from src.schema.enums import RegionLevel
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.regions.loaders import region_by_code, region_by_id
from src.schema.regions.types import Region, RegionResult
from src.schema.transaction import current_actor
from src.services.errors import CommonErrorCode, NotFound
from src.services.reference import RegionQuery, regions_select


@strawberry.type
class RegionQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="按代码或 ID 查询一个行政区划")
    async def region(
        self, info: Info, code: str | None = None, id: strawberry.ID | None = None
    ) -> RegionResult:
        if (code is None) == (id is None):
            raise GraphQLError(
                "Pass exactly one of `code` or `id`.",
                extensions={"code": CommonErrorCode.INVALID_ARGUMENT.value},
            )
        loaders = info.context.loaders
        row = (
            await loaders[region_by_code].load(code)
            if code is not None
            else await loaders[region_by_id].load(parse_id(id or "", "Region"))
        )
        if row is None:
            raise NotFound("行政区划", code if code is not None else str(id))
        return Region.from_row(row)

    @strawberry.field(permission_classes=[IsAuthenticated], description="行政区划列表，按代码排序")
    async def regions(
        self,
        info: Info,
        level: RegionLevel | None = None,
        parent_code: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Region]:
        stmt = regions_select(RegionQuery(level=level, parent_code=parent_code), current_actor(info))
        return await paginate(info, stmt, RegionRow.code, Region.from_row, PageRequest(first, after), str)
