from typing import Annotated

import strawberry

from src.models import Organization as OrganizationRow
from src.models import User as UserRow
from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.enums import ActorType, Administration
from src.schema.errors import NotFoundError
from src.schema.regions.types import Region


@strawberry.type(description="用户")
class User:
    id: strawberry.ID
    username: str
    full_name: str
    is_active: bool

    @classmethod
    def from_row(cls, row: UserRow) -> "User":
        return cls(
            id=strawberry.ID(str(row.id)),
            username=row.username,
            full_name=row.full_name,
            is_active=row.is_active,
        )


@strawberry.type(description="单位：某一区划的某类主体（财政、人社、医保、经办、税务……）")
class Organization:
    id: strawberry.ID
    name: str
    actor_type: ActorType
    administration: Administration | None
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: OrganizationRow) -> "Organization":
        assert row.id is not None
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            actor_type=row.actor_type,
            administration=row.administration,
            db_id=row.id,
            region_id=row.region_id,
        )

    @strawberry.field
    def actor_type_label(self) -> str:
        return label_zh(self.actor_type)

    @strawberry.field
    async def region(self, info: Info) -> Region:
        row = await info.context.loaders.region.load(self.region_id)
        assert row is not None
        return Region.from_row(row)

    @strawberry.field
    async def users(self, info: Info) -> list[User]:
        rows = await info.context.loaders.users_by_organization.load(self.db_id)
        return [User.from_row(r) for r in rows]


OrganizationResult = Annotated[Organization | NotFoundError, strawberry.union("OrganizationResult")]
