from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.enums import ActorType, Administration
from src.schema.errors import NotFoundError
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import USERS_PER_ORGANIZATION, users_by_organization
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.organizations import users_visible


@strawberry.type(description="用户")
class User(FromRow):
    id: strawberry.ID
    username: str
    full_name: str
    is_active: bool


@strawberry.type(description="单位：某一区划的某类主体（财政、人社、医保、经办、税务……）")
class Organization(FromRow):
    id: strawberry.ID
    name: str
    actor_type: ActorType
    administration: Administration | None
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]

    @strawberry.field
    def actor_type_label(self) -> str:
        return label_zh(self.actor_type)

    region: Region = related(Region, region_by_id, "region_id")

    @strawberry.field(
        description="单位的用户：系统管理员、本单位和同级或上级区划的省内单位可见；其他人得到空列表",
        metadata=max_items(USERS_PER_ORGANIZATION),
    )
    async def users(self, info: Info) -> list[User]:
        actor = info.context.actor
        region = await info.context.loaders[region_by_id].load(self.region_id)
        if actor is None or region is None:
            return []
        if not users_visible(actor, organization_id=self.db_id, region_path=region.path):
            return []
        rows = await info.context.loaders[users_by_organization].load(self.db_id)
        return [User.from_row(r) for r in rows]


OrganizationResult = Annotated[Organization | NotFoundError, strawberry.union("OrganizationResult")]
