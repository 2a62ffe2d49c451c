from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from src.schema.conversion import FromRow, related
from src.schema.organizations.loaders import organization_by_id, user_by_id
from src.schema.organizations.types import Organization, User


@strawberry.type(description="审计记录：每一次成功的变更")
class AuditEvent(FromRow):
    __row_ids__ = ("target_id",)

    id: strawberry.ID
    at: datetime
    operation: str
    target_type: str
    target_id: strawberry.ID | None
    changes: JSON = strawberry.field(description="变更字段：{字段: {before, after}}")
    user_id: strawberry.Private[int | None]
    organization_id: strawberry.Private[int | None]

    user: User | None = related(User, user_by_id, "user_id", optional=True)
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True
    )


@strawberry.input(description="审计记录筛选条件")
class AuditFilter:
    operation: str | None = None
    target_type: str | None = None
    target_id: strawberry.ID | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None
