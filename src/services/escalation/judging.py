"""The province judges the prefecture's answer (Art. 22 跟踪问效): unresolved (the next letter may follow
after the waiting period, or the prefecture answers again), or satisfactory, closing the case with its
resolution (办结)."""

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.models.escalation import EscalationCase, EscalationStatus
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    EscalationErrorCode,
    FieldProblem,
    InvalidTransition,
    ValidationFailed,
)
from src.services.escalation.cases import event, letters_of, require_open, visible_case
from src.services.escalation.scope import province_scope
from src.services.monitoring import narrative


def _require_answered(row: EscalationCase, operation: str) -> None:
    if row.status != EscalationStatus.ANSWERED:
        raise InvalidTransition(
            "市（州）尚未答复当前函件，暂不能认定", current_status=row.status.value, operation=operation,
            code=EscalationErrorCode.ESCALATION_NOT_ANSWERED,
        )  # fmt: skip


def _required(name: str, label: str, text: str) -> str:
    cleaned = narrative.checked({name: text})[name]
    if not cleaned:
        raise ValidationFailed([FieldProblem(f"input.{name}", f"{label}：须填写", ErrorCode.REQUIRED)])
    return cleaned


async def mark_unresolved(
    *, session: AsyncSession, actor: Actor, case_id: int, row_version: int, note: str
) -> EscalationCase:
    """财政厅 finds the answer to the current letter wanting."""
    row = await visible_case(session=session, actor=actor, case_id=case_id)
    policy.require(actor, policy.Action.ESCALATION_MANAGE, await province_scope(session, row))
    operation = "escalationMarkUnresolved"
    require_open(row, operation)
    _require_answered(row, operation)
    cleaned = _required("note", "未解决的理由", note)
    letter = (await letters_of(session, row.id or 0))[-1]
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        letter.unresolved_at, letter.unresolved_note = utcnow(), cleaned
        row.status = EscalationStatus.UNRESOLVED
    session.add(letter)
    await session.flush()
    payload = {"action": "MARK_UNRESOLVED", "toStatus": row.status.value, "level": letter.level}
    await event(session, actor, row, payload)
    return row


async def close_case(
    *, session: AsyncSession, actor: Actor, case_id: int, row_version: int, resolution: str
) -> EscalationCase:
    """财政厅 closes the case after a satisfactory answer (办结), with its resolution."""
    row = await visible_case(session=session, actor=actor, case_id=case_id)
    policy.require(actor, policy.Action.ESCALATION_MANAGE, await province_scope(session, row))
    operation = "escalationClose"
    require_open(row, operation)
    _require_answered(row, operation)
    cleaned = _required("resolution", "办结意见", resolution)
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        row.status = EscalationStatus.CLOSED
        row.resolution = cleaned
        row.closed_at, row.closed_by = utcnow(), actor.user_id
    await event(session, actor, row, {"action": "CLOSE", "toStatus": row.status.value})
    return row
