"""The region's bodies acknowledge a sent feedback (签收, Art. 19 「反馈相关地区和经办机构」): its finance,
the fund's administration and the agency, each once, independently (no row_version: the recipient's own row
decides); when the last of the three has, the feedback is ACKNOWLEDGED."""

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedbackRecipient
from src.models.base import utcnow
from src.models.feedback import EvaluationFeedback, FeedbackEventKind, FeedbackStatus
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
)
from src.services.feedback.feedbacks import event, visible_feedback
from src.services.feedback.scope import region_scope

RECEIVED = (FeedbackStatus.SENT, FeedbackStatus.ACKNOWLEDGED)


async def recipients_of(session: AsyncSession, feedback_id: int) -> list[EvaluationFeedbackRecipient]:
    stmt = (
        select(EvaluationFeedbackRecipient)
        .where(EvaluationFeedbackRecipient.feedback_id == feedback_id)
        .order_by(col(EvaluationFeedbackRecipient.id))
    )
    return list((await session.exec(stmt)).all())


async def acknowledge_feedback(
    *, session: AsyncSession, actor: Actor, feedback_id: int
) -> EvaluationFeedback:
    """One of the region's three bodies acknowledges the feedback it received."""
    feedback = await visible_feedback(session=session, actor=actor, feedback_id=feedback_id)
    policy.require(actor, policy.Action.FEEDBACK_ACKNOWLEDGE, await region_scope(session, feedback))
    operation = "evaluationFeedbackAcknowledge"
    if feedback.status not in RECEIVED:
        raise InvalidTransition(
            "评价结果反馈尚未送出", current_status=feedback.status.value, operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )  # fmt: skip
    stmt = select(EvaluationFeedbackRecipient).where(
        EvaluationFeedbackRecipient.feedback_id == feedback.id,
        EvaluationFeedbackRecipient.organization_id == actor.organization_id,
    )
    recipient = (await session.exec(stmt)).first()
    if recipient is None:
        raise Forbidden("该评价结果反馈未送达本单位，无需签收")
    now = utcnow()
    claimed = await session.exec(
        update(EvaluationFeedbackRecipient)
        .where(col(EvaluationFeedbackRecipient.id) == recipient.id)
        .where(col(EvaluationFeedbackRecipient.acknowledged_at).is_(None))
        .values(acknowledged_at=now, acknowledged_by=actor.user_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise InvalidTransition(
            "本单位已签收该评价结果反馈", current_status=feedback.status.value, operation=operation,
            code=MonitoringReportErrorCode.ALREADY_ACKNOWLEDGED,
        )  # fmt: skip
    await audit.record(
        session=session,
        actor=actor,
        operation=operation,
        target_type="EvaluationFeedbackRecipient",
        target_id=recipient.id,
        before={"acknowledged_at": None},
        after={"acknowledged_at": now.isoformat()},
        extra={"feedback_id": feedback.id},
    )
    pending = select(func.count()).where(
        EvaluationFeedbackRecipient.feedback_id == feedback.id,
        col(EvaluationFeedbackRecipient.acknowledged_at).is_(None),
    )
    payload: dict[str, object] = {"organizationId": actor.organization_id, "acknowledgedAt": now.isoformat()}
    if (await session.exec(pending)).one() == 0:
        # The last of the three: the one row update decides, so two last acknowledgements at once agree.
        done = await session.exec(
            update(EvaluationFeedback)
            .where(col(EvaluationFeedback.id) == feedback.id)
            .where(col(EvaluationFeedback.status) == FeedbackStatus.SENT)
            .values(
                status=FeedbackStatus.ACKNOWLEDGED,
                acknowledged_at=now,
                row_version=EvaluationFeedback.row_version + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:
            payload |= {"action": "ACKNOWLEDGE", "toStatus": FeedbackStatus.ACKNOWLEDGED.value}
        await session.refresh(feedback)
    await event(session, actor, feedback, FeedbackEventKind.EVALUATION_FEEDBACK_STATUS_CHANGED, payload)
    return feedback
