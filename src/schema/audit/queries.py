import strawberry

from src.models import AuditEvent as AuditRow
from src.schema.audit.types import AuditEvent, AuditFilter
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.audit.reads import AuditQuery, audit_events_select


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
        f = filter or AuditFilter()
        query = AuditQuery(
            operation=f.operation,
            target_type=f.target_type,
            target_id=parse_id(f.target_id, f.target_type or "target") if f.target_id is not None else None,
            username=f.username,
            since=f.since,
            until=f.until,
        )
        stmt = audit_events_select(query, current_actor(info))
        return await paginate(info, stmt, AuditRow.id, AuditEvent.from_row, PageRequest(first, after))
