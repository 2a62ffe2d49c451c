import strawberry

from src.models import Organization as OrganizationRow
from src.schema.context import Info
from src.schema.enums import ActorType
from src.schema.ids import parse_id
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization, OrganizationResult
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.errors import NotFound
from src.services.organizations import OrganizationQuery, organizations_select


@strawberry.type
class OrganizationQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="按 ID 查询单位")
    async def organization(self, info: Info, id: strawberry.ID) -> OrganizationResult:
        row = await info.context.loaders[organization_by_id].load(parse_id(id, "Organization"))
        if row is None:
            raise NotFound("单位", id)
        return Organization.from_row(row)

    @strawberry.field(permission_classes=[IsAuthenticated], description="单位列表，按 ID 排序")
    async def organizations(
        self,
        info: Info,
        region_code: str | None = None,
        include_descendants: bool = False,
        actor_type: ActorType | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Organization]:
        query = OrganizationQuery(
            region_code=region_code, include_descendants=include_descendants, actor_type=actor_type
        )
        stmt = organizations_select(query, current_actor(info))
        return await paginate(
            info,
            stmt,
            OrganizationRow.id,
            Organization.from_row,
            PageRequest(first, after),
        )
