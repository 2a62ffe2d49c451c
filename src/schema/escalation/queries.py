"""Reading 两书一函 cases: `escalations(year, regionCode, status)` (paged, what the caller may read) and
`escalation(id)`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.escalation import EscalationCase as EscalationCaseRow
from src.models.escalation import EscalationStatus
from src.schema.context import Info
from src.schema.escalation.types import EscalationCase, EscalationCaseResult
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.escalation.cases import cases_select, visible_case

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class EscalationQueries:
    @strawberry.field(
        permission_classes=AUTH,
        description="“两书一函”督办事项列表（可按年度、市（州）代码、状态），按 ID 排序",
    )
    async def escalations(
        self,
        info: Info,
        year: int | None = None,
        region_code: str | None = None,
        status: EscalationStatus | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[EscalationCase]:
        stmt = cases_select(current_actor(info), year=year, region_code=region_code, status=status)
        return await paginate(
            info, stmt, EscalationCaseRow.id, EscalationCase.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询“两书一函”督办事项")
    async def escalation(self, info: Info, id: strawberry.ID) -> EscalationCaseResult:
        case_id = parse_id(id, "EscalationCase")
        async with info.context.sessionmaker() as session:
            row = await visible_case(session=session, actor=current_actor(info), case_id=case_id)
        return EscalationCase.from_row(row)
