"""An item's steps up to its closure (Art. 20): the owner reports it done — with its measures, the cause
for the kinds 「要认真分析原因、提出整改措施」 (GOAL_DEVIATION, EXECUTION_LAG, SUPERVISION), and at least one
evidence file; the finance that raised it verifies it (VERIFIED: closed) or returns it with a reason, and
the owner reports again."""

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.models.rectification import (
    RectificationEventKind,
    RectificationEvidence,
    RectificationItem,
    RectificationStatus,
    RectificationTreatment,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    InvalidTransition,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.monitoring import narrative
from src.services.rectification.items import (
    EDITABLE,
    event,
    require_editable,
    require_owner,
    require_raiser,
    visible_item,
)
from src.services.rectification.scope import region_scope

STATUS_CHANGED = RectificationEventKind.RECTIFICATION_ITEM_STATUS_CHANGED


async def evidence_count(session: AsyncSession, item_id: int) -> int:
    stmt = select(func.count()).where(RectificationEvidence.item_id == item_id)
    return int((await session.exec(stmt)).one())


async def report_item(
    *, session: AsyncSession, actor: Actor, item_id: int, row_version: int
) -> RectificationItem:
    """The owner reports the item rectified (OPEN or RETURNED → REPORTED)."""
    item = await visible_item(session=session, actor=actor, item_id=item_id)
    policy.require(actor, policy.Action.RECTIFICATION_REPORT, await region_scope(session, item))
    require_owner(actor, item)
    operation = "rectificationItemReport"
    require_editable(item, operation)
    problems = []
    if not item.measures.strip():
        problems.append(FieldProblem("item.measures", "整改措施：报告整改完成前须填写", ErrorCode.REQUIRED))
    if item.treatment == RectificationTreatment.ANALYSE_AND_REMEDY and not item.cause.strip():
        problems.append(
            FieldProblem("item.cause", "原因分析：此类问题须认真分析原因（第二十条）", ErrorCode.REQUIRED)
        )
    if problems:
        raise ValidationFailed(problems)
    if await evidence_count(session, item.id or 0) == 0:
        raise PreconditionFailed(
            "报告整改完成前须上传至少一份整改佐证材料", code=SelfEvaluationErrorCode.EVIDENCE_REQUIRED
        )
    before = item.status
    async with audit.changing(session=session, actor=actor, operation=operation, row=item):
        await claim(session=session, row=item, expected_version=row_version)
        item.status = RectificationStatus.REPORTED
        item.reported_at = utcnow()
    payload = {"action": "REPORT", "fromStatus": before.value, "toStatus": item.status.value}
    await event(session, actor, item, STATUS_CHANGED, payload)
    return item


async def _reported(session: AsyncSession, actor: Actor, item_id: int, operation: str) -> RectificationItem:
    item = await visible_item(session=session, actor=actor, item_id=item_id)
    policy.require(actor, policy.Action.RECTIFICATION_RAISE, await region_scope(session, item))
    require_raiser(actor, item)
    if item.status != RectificationStatus.REPORTED:
        raise InvalidTransition(
            "整改事项尚未报告整改完成，不能核实或退回", current_status=item.status.value,
            operation=operation,
        )  # fmt: skip
    return item


async def verify_item(
    *, session: AsyncSession, actor: Actor, item_id: int, row_version: int
) -> RectificationItem:
    """The finance that raised it verifies the rectification: VERIFIED, closed (the deadline's done_at)."""
    operation = "rectificationItemVerify"
    item = await _reported(session, actor, item_id, operation)
    async with audit.changing(session=session, actor=actor, operation=operation, row=item):
        await claim(session=session, row=item, expected_version=row_version)
        item.status = RectificationStatus.VERIFIED
        item.verified_at = utcnow()
    payload = {"action": "VERIFY", "fromStatus": "REPORTED", "toStatus": item.status.value}
    await event(session, actor, item, STATUS_CHANGED, payload)
    return item


async def return_item(
    *, session: AsyncSession, actor: Actor, item_id: int, row_version: int, reason: str
) -> RectificationItem:
    """The finance that raised it returns it to the owner with a reason (REPORTED → RETURNED)."""
    operation = "rectificationItemReturn"
    texts = narrative.checked({"reason": reason})
    if not texts["reason"]:
        raise ValidationFailed([FieldProblem("input.reason", "请填写退回理由", ErrorCode.REQUIRED)])
    item = await _reported(session, actor, item_id, operation)
    async with audit.changing(session=session, actor=actor, operation=operation, row=item):
        await claim(session=session, row=item, expected_version=row_version)
        item.status = RectificationStatus.RETURNED
        item.return_reason = texts["reason"]
        item.reported_at = None
    payload = {"action": "RETURN", "fromStatus": "REPORTED", "toStatus": item.status.value}
    await event(session, actor, item, STATUS_CHANGED, payload | {"reason": texts["reason"]})
    return item


__all__ = ["EDITABLE", "report_item", "return_item", "verify_item"]
