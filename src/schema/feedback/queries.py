"""Reading feedbacks: `evaluationFeedbacks(year, regionCode)` (paged, what the caller may read) and
`evaluationFeedback(id)`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.feedback import EvaluationFeedback as EvaluationFeedbackRow
from src.schema.context import Info
from src.schema.feedback.types import EvaluationFeedback, EvaluationFeedbackResult
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.feedback.feedbacks import feedbacks_select, visible_feedback

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class FeedbackQueries:
    @strawberry.field(
        permission_classes=AUTH, description="评价结果反馈列表（可按年度、统筹地区代码），按 ID 排序"
    )
    async def evaluation_feedbacks(
        self,
        info: Info,
        year: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[EvaluationFeedback]:
        stmt = feedbacks_select(current_actor(info), year=year, region_code=region_code)
        return await paginate(
            info, stmt, EvaluationFeedbackRow.id, EvaluationFeedback.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询评价结果反馈")
    async def evaluation_feedback(self, info: Info, id: strawberry.ID) -> EvaluationFeedbackResult:
        feedback_id = parse_id(id, "EvaluationFeedback")
        async with info.context.sessionmaker() as session:
            row = await visible_feedback(session=session, actor=current_actor(info), feedback_id=feedback_id)
        return EvaluationFeedback.from_row(row)
