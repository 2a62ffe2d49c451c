"""Reading self-evaluations: `selfEvaluations` (paged, what the caller may read) and `selfEvaluation`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.evaluation import SelfEvaluation as SelfEvaluationRow
from src.schema.context import Info
from src.schema.evaluation.types import SelfEvaluation, SelfEvaluationFilter, SelfEvaluationResult
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.evaluation.self_evaluations import (
    SelfEvaluationQuery,
    self_evaluations_select,
    visible_self_evaluation,
)

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class SelfEvaluationQueries:
    @strawberry.field(permission_classes=AUTH, description="绩效自评列表，按 ID 排序")
    async def self_evaluations(
        self,
        info: Info,
        filter: SelfEvaluationFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[SelfEvaluation]:
        f = filter or SelfEvaluationFilter()
        query = SelfEvaluationQuery(
            year=f.year, fund_type_code=f.fund_type_code, region_code=f.region_code,
            include_descendants=f.include_descendants, statuses=tuple(f.status or ()), late=f.late,
        )  # fmt: skip
        stmt = self_evaluations_select(query, current_actor(info))
        return await paginate(
            info, stmt, SelfEvaluationRow.id, SelfEvaluation.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询绩效自评")
    async def self_evaluation(self, info: Info, id: strawberry.ID) -> SelfEvaluationResult:
        evaluation_id = parse_id(id, "SelfEvaluation")
        async with info.context.sessionmaker() as session:
            row, _ = await visible_self_evaluation(
                session=session, actor=current_actor(info), evaluation_id=evaluation_id
            )
        return SelfEvaluation.from_row(row)
