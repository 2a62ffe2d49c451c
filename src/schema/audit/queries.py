import strawberry
from sqlmodel import col, select

from src.models import AuditEvent as AuditRow
from src.models import User as UserRow
from src.schema.audit.types import AuditEvent, AuditFilter
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services import policy


@strawberry.type
class AuditQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated], description="审计记录（管理员、省级财政部门），按时间先后"
    )
    async def audit_events(
        self,
        info: Info,
        filter: AuditFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        policy.require(current_actor(info), policy.Action.AUDIT_READ)
        f = filter or AuditFilter()
        stmt = select(AuditRow)
        if f.operation is not None:
            stmt = stmt.where(AuditRow.operation == f.operation)
        if f.target_type is not None:
            stmt = stmt.where(AuditRow.target_type == f.target_type)
        if f.target_id is not None:
            stmt = stmt.where(AuditRow.target_id == parse_id(f.target_id, f.target_type or "target"))
        if f.username is not None:
            user = select(UserRow.id).where(UserRow.username == f.username).scalar_subquery()
            stmt = stmt.where(col(AuditRow.user_id) == user)
        if f.since is not None:
            stmt = stmt.where(col(AuditRow.at) >= f.since)
        if f.until is not None:
            stmt = stmt.where(col(AuditRow.at) < f.until)
        return await paginate(info, stmt, AuditRow.id, AuditEvent.from_row, PageRequest(first, after))
