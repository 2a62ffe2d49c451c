"""Reading the assessment: `assessmentRounds` (paged, those the caller may read), `assessmentRound(year)`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.assessment import AssessmentRound as AssessmentRoundRow
from src.schema.assessment.types import AssessmentRound, AssessmentRoundResult
from src.schema.context import Info
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.assessment.rounds import round_of_year, rounds_select

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class AssessmentQueries:
    @strawberry.field(permission_classes=AUTH, description="市（州）考核列表（可按年度），按 ID 排序")
    async def assessment_rounds(
        self, info: Info, year: int | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[AssessmentRound]:
        stmt = rounds_select(current_actor(info), year=year)
        return await paginate(
            info, stmt, AssessmentRoundRow.id, AssessmentRound.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按预算年度查询市（州）考核")
    async def assessment_round(self, info: Info, year: int) -> AssessmentRoundResult:
        async with info.context.sessionmaker() as session:
            row = await round_of_year(session=session, actor=current_actor(info), year=year)
        return AssessmentRound.from_row(row)
