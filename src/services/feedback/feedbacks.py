"""财政厅 writes a feedback (Art. 19 「对统筹地区实际绩效情况进行分析评价，提出有针对性的建议措施」): one per
accepted self-evaluation (its pooling region, fund and year), a draft seen by the province only, its findings
(主要成效, 存在问题), recommendations (建议措施), rectification requirement (整改要求) and use of the result
(结果应用) edited while a draft."""

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Region
from src.models.enums import RegionLevel, label_zh
from src.models.evaluation import SelfEvaluationStatus
from src.models.feedback import EvaluationFeedback, FeedbackEventKind, FeedbackStatus
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    Conflict,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    SelfEvaluationErrorCode,
)
from src.services.evaluation.self_evaluations import visible_self_evaluation
from src.services.feedback.scope import feedback_scope, province_scope, visible_feedbacks_clause
from src.services.monitoring import narrative
from src.subjects.events import record_event

ENTITY = "评价结果反馈"
# As the letter and the API name the parts (FORMS §4C).
LABELS = {
    "achievements": "主要成效",
    "problems": "存在问题",
    "recommendations": "建议措施",
    "rectification": "整改要求",
    "application": "结果应用",
}


async def visible_feedback(*, session: AsyncSession, actor: Actor, feedback_id: int) -> EvaluationFeedback:
    """The feedback if `actor` may read it; one it may not is reported as absent, like a missing one."""
    feedback = await session.get(EvaluationFeedback, feedback_id)
    if feedback is None or not policy.visible(actor, await feedback_scope(session, feedback)):
        raise NotFound(ENTITY, feedback_id)
    return feedback


async def event(
    session: AsyncSession, actor: Actor, feedback: EvaluationFeedback, kind: str, payload: dict[str, Any]
) -> None:
    await record_event(
        session=session, kind=FeedbackEventKind(kind), subject=feedback, actor=actor, payload=payload
    )


async def _province_above(session: AsyncSession, region: Region) -> Region:
    province = region
    while province.level != RegionLevel.PROVINCE and province.parent_id is not None:
        above = await session.get(Region, province.parent_id)
        assert above is not None
        province = above
    return province


async def create_feedback(
    *, session: AsyncSession, actor: Actor, self_evaluation_id: int
) -> EvaluationFeedback:
    """财政厅 starts the feedback on an accepted self-evaluation (a draft)."""
    evaluation, _ = await visible_self_evaluation(
        session=session, actor=actor, evaluation_id=self_evaluation_id
    )
    region = await session.get(Region, evaluation.region_id)
    assert region is not None and region.id is not None
    province = await _province_above(session, region)
    assert province.id is not None
    policy.require(
        actor,
        policy.Action.FEEDBACK_DRAFT,
        policy.Scope(region_path=province.path, region_level=province.level),
    )
    if evaluation.status != SelfEvaluationStatus.ACCEPTED:
        raise PreconditionFailed(
            f"该自评当前状态为“{label_zh(evaluation.status)}”，审核通过后方可反馈评价结果（第十九条）",
            code=SelfEvaluationErrorCode.NOT_YET_EVALUATED,
        )
    feedback = EvaluationFeedback(
        region_id=region.id,
        province_id=province.id,
        fund_type_id=evaluation.fund_type_id,
        year=evaluation.year,
        self_evaluation_id=self_evaluation_id,
        organization_id=actor.organization_id,
    )
    try:
        async with session.begin_nested():
            session.add(feedback)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{evaluation.year}年度该险种的评价结果反馈已存在",
            code=SelfEvaluationErrorCode.FEEDBACK_EXISTS,
        ) from None
    await audit.created(session=session, actor=actor, operation="evaluationFeedbackCreate", row=feedback)
    payload = {"action": "CREATE", "toStatus": feedback.status.value}
    await event(session, actor, feedback, FeedbackEventKind.EVALUATION_FEEDBACK_STATUS_CHANGED, payload)
    return feedback


def require_draft(feedback: EvaluationFeedback, operation: str) -> None:
    if feedback.status != FeedbackStatus.DRAFT:
        raise InvalidTransition(
            f"评价结果反馈当前状态为“{label_zh(feedback.status)}”（{feedback.status.value}），不能执行{operation}",
            current_status=feedback.status.value,
            operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )


async def update_feedback(
    *,
    session: AsyncSession,
    actor: Actor,
    feedback_id: int,
    row_version: int,
    texts: dict[str, str | None],
) -> EvaluationFeedback:
    """财政厅 edits a draft's parts (`texts` by the names of LABELS; None leaves a part as it is)."""
    feedback = await visible_feedback(session=session, actor=actor, feedback_id=feedback_id)
    policy.require(actor, policy.Action.FEEDBACK_DRAFT, await province_scope(session, feedback))
    operation = "evaluationFeedbackUpdate"
    require_draft(feedback, operation)
    unknown = set(texts) - set(LABELS)
    assert not unknown, f"not a part of the letter: {unknown}"
    cleaned = narrative.checked(texts)
    async with audit.changing(session=session, actor=actor, operation=operation, row=feedback):
        await claim(session=session, row=feedback, expected_version=row_version)
        for name, value in cleaned.items():
            setattr(feedback, name, value)
    payload = {"operation": operation, "fields": [*cleaned]}
    await event(session, actor, feedback, FeedbackEventKind.EVALUATION_FEEDBACK_CHANGED, payload)
    return feedback


def feedbacks_select(
    actor: Actor, *, year: int | None = None, region_code: str | None = None
) -> SelectOfScalar[EvaluationFeedback]:
    """The feedbacks `actor` may read (of `year`, addressed to the region of `region_code`, if given)."""
    stmt = select(EvaluationFeedback).where(visible_feedbacks_clause(actor))
    if year is not None:
        stmt = stmt.where(EvaluationFeedback.year == year)
    if region_code is not None:
        region = select(Region.id).where(Region.code == region_code).scalar_subquery()
        stmt = stmt.where(col(EvaluationFeedback.region_id) == region)
    return stmt
