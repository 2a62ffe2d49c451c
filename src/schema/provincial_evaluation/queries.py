"""Reading provincial evaluations and summaries: `provincialEvaluations(year)` and
`provincialEvaluationSummaries` (paged, what the caller may read), `provincialEvaluation(id)` and
`provincialEvaluationSummary(id)`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.provincial_evaluation import ProvincialEvaluation as ProvincialEvaluationRow
from src.models.provincial_evaluation import ProvincialEvaluationSummary as SummaryRow
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.provincial_evaluation.types import (
    ProvincialEvaluation,
    ProvincialEvaluationResult,
    ProvincialEvaluationSummary,
    ProvincialEvaluationSummaryResult,
)
from src.schema.transaction import current_actor
from src.services.evaluation.provincial.evaluations import (
    provincial_evaluations_select,
    visible_provincial_evaluation,
)
from src.services.evaluation.provincial.summaries import summaries_select, visible_summary

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class ProvincialEvaluationQueries:
    @strawberry.field(permission_classes=AUTH, description="省级绩效评价列表（可按年度），按 ID 排序")
    async def provincial_evaluations(
        self, info: Info, year: int | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[ProvincialEvaluation]:
        stmt = provincial_evaluations_select(current_actor(info), year=year)
        return await paginate(
            info, stmt, ProvincialEvaluationRow.id, ProvincialEvaluation.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询省级绩效评价")
    async def provincial_evaluation(self, info: Info, id: strawberry.ID) -> ProvincialEvaluationResult:
        evaluation_id = parse_id(id, "ProvincialEvaluation")
        async with info.context.sessionmaker() as session:
            row, _ = await visible_provincial_evaluation(
                session=session, actor=current_actor(info), evaluation_id=evaluation_id
            )
        return ProvincialEvaluation.from_row(row)

    @strawberry.field(permission_classes=AUTH, description="省级绩效评价汇总报告列表（可按年度），按 ID 排序")
    async def provincial_evaluation_summaries(
        self, info: Info, year: int | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[ProvincialEvaluationSummary]:
        stmt = summaries_select(current_actor(info), year=year)
        return await paginate(
            info, stmt, SummaryRow.id, ProvincialEvaluationSummary.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询省级绩效评价汇总报告")
    async def provincial_evaluation_summary(
        self, info: Info, id: strawberry.ID
    ) -> ProvincialEvaluationSummaryResult:
        summary_id = parse_id(id, "ProvincialEvaluationSummary")
        async with info.context.sessionmaker() as session:
            row, _ = await visible_summary(session=session, actor=current_actor(info), summary_id=summary_id)
        return ProvincialEvaluationSummary.from_row(row)
