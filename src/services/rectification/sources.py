"""Where an item comes from (Art. 20 「绩效评价中发现的问题」): the evaluation feedback whose 四、整改要求 it
carries out, the self-evaluation or the provincial evaluation that found it, or a free 来源 text — at least
one. A record named must be one the raiser reads, sent (a feedback) and of the item's fund and year; a
feedback or self-evaluation also of its region."""

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedback, ProvincialEvaluation, SelfEvaluation
from src.models.feedback import FeedbackStatus
from src.models.rectification import RectificationItem
from src.services import policy
from src.services.actors import Actor
from src.services.errors import ErrorCode, FieldProblem
from src.services.evaluation.provincial.scope import provincial_evaluation_scope
from src.services.evaluation.scope import self_evaluation_scope
from src.services.feedback.scope import feedback_scope

MISMATCH = "须为本整改事项所在地区、险种和年度的记录"


async def check_sources(
    *, session: AsyncSession, actor: Actor, item: RectificationItem
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if item.feedback_id is not None:
        feedback = await session.get(EvaluationFeedback, item.feedback_id)
        if feedback is None or not policy.visible(actor, await feedback_scope(session, feedback)):
            problems.append(FieldProblem("input.feedbackId", "未找到该评价结果反馈", ErrorCode.NOT_FOUND))
        elif feedback.status == FeedbackStatus.DRAFT:
            problems.append(FieldProblem("input.feedbackId", "评价结果反馈尚未送出", ErrorCode.INVALID))
        elif (feedback.region_id, feedback.fund_type_id, feedback.year) != (
            item.region_id, item.fund_type_id, item.year,
        ):  # fmt: skip
            problems.append(FieldProblem("input.feedbackId", MISMATCH, ErrorCode.INVALID))
    if item.self_evaluation_id is not None:
        evaluation = await session.get(SelfEvaluation, item.self_evaluation_id)
        if evaluation is None or not policy.visible(actor, await self_evaluation_scope(session, evaluation)):
            problems.append(FieldProblem("input.selfEvaluationId", "未找到该绩效自评", ErrorCode.NOT_FOUND))
        elif (evaluation.region_id, evaluation.fund_type_id, evaluation.year) != (
            item.region_id, item.fund_type_id, item.year,
        ):  # fmt: skip
            problems.append(FieldProblem("input.selfEvaluationId", MISMATCH, ErrorCode.INVALID))
    if item.provincial_evaluation_id is not None:
        provincial = await session.get(ProvincialEvaluation, item.provincial_evaluation_id)
        if provincial is None or not policy.visible(
            actor, await provincial_evaluation_scope(session, provincial)
        ):
            problems.append(
                FieldProblem("input.provincialEvaluationId", "未找到该省级绩效评价", ErrorCode.NOT_FOUND)
            )
        elif (provincial.fund_type_id, provincial.year) != (item.fund_type_id, item.year):
            problems.append(FieldProblem("input.provincialEvaluationId", MISMATCH, ErrorCode.INVALID))
    no_record = item.feedback_id is None and item.self_evaluation_id is None
    if no_record and item.provincial_evaluation_id is None and not item.source_text:
        problems.append(
            FieldProblem(
                "input.sourceText",
                "须注明整改事项的来源（评价结果反馈、绩效评价或来源说明）",
                ErrorCode.REQUIRED,
            )
        )
    return problems
