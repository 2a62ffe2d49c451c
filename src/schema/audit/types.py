from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from src.models import AuditEvent as AuditRow
from src.schema.context import Info
from src.schema.organizations.types import Organization, User


@strawberry.type(description="审计记录：每一次成功的变更")
class AuditEvent:
    id: strawberry.ID
    at: datetime
    operation: str
    target_type: str
    target_id: strawberry.ID | None
    changes: JSON = strawberry.field(description="变更字段：{字段: {before, after}}")
    user_id: strawberry.Private[int | None]
    organization_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: AuditRow) -> "AuditEvent":
        return cls(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            operation=row.operation,
            target_type=row.target_type,
            target_id=strawberry.ID(str(row.target_id)) if row.target_id is not None else None,
            changes=JSON(row.changes),
            user_id=row.user_id,
            organization_id=row.organization_id,
        )

    @strawberry.field
    async def user(self, info: Info) -> User | None:
        row = await info.context.loaders.user.load(self.user_id) if self.user_id else None
        return User.from_row(row) if row else None

    @strawberry.field
    async def organization(self, info: Info) -> Organization | None:
        row = (
            await info.context.loaders.organization.load(self.organization_id)
            if self.organization_id
            else None
        )
        return Organization.from_row(row) if row else None


@strawberry.input(description="审计记录筛选条件")
class AuditFilter:
    operation: str | None = None
    target_type: str | None = None
    target_id: strawberry.ID | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None
