"""Writing a checked batch of entries, for actuals and budget execution alike: a new row is inserted, a
changed one corrected (with the batch's reason, its version claimed and counted up), an unchanged one left
as it is. Each row written is in the audit trail (a correction with its before, after and reason) and
announces itself as an event of its own (the subject of an event is one row)."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import savepoint
from src.models.monitoring import CELL_TEXT_MAX_LENGTH
from src.services import audit
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import CommonErrorCode, Conflict, ErrorCode, FieldProblem
from src.services.monitoring.entry_rows import R, Recorded
from src.subjects.events import record_event

REASON_FIELD = "input.reason"
REASON_MAX_LENGTH = CELL_TEXT_MAX_LENGTH
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass
class Plan(Generic[R]):
    """One row of a batch: the stored row (or a new one, not yet added) and the values it must hold."""

    index: int  # position in the batch (the input path's number)
    name: str  # how messages name the row: 第 4 行, or an uploaded sheet's 绩效指标表第 5 行
    row: R
    values: dict[str, Any]  # what the caller entered: a difference from the stored row is a correction
    new: bool
    expected_version: int | None = None  # a correction's: the version the caller read, if it named one
    # Set on a row written (new or corrected), never a difference by itself: who entered it last, and
    # under which goal version in force.
    written: dict[str, Any] | None = None

    @property
    def changes(self) -> bool:
        return self.new or any(getattr(self.row, name) != value for name, value in self.values.items())


def row_namer(row_names: Sequence[str] | None) -> Callable[[int], str]:
    """How a batch's messages name its rows: as the caller says (an uploaded sheet's rows), else 第 n 行."""
    if row_names is not None:
        return row_names.__getitem__
    return lambda index: f"第 {index + 1} 行"


def stale(plans: Sequence[Plan[Any]], label: str) -> Conflict | None:
    """A conflict for the first correction whose caller read an older version than the stored one."""
    for plan in plans:
        if (
            not plan.new
            and plan.expected_version is not None
            and plan.expected_version != plan.row.row_version
        ):
            return Conflict(
                f"{plan.name}的{label}已被他人修改（当前版本 {plan.row.row_version}，"
                f"提交的版本 {plan.expected_version}），请刷新后重试",
                code=CommonErrorCode.STALE_VERSION,
                current_version=plan.row.row_version,
            )
    return None


def reason_problems(plans: Sequence[Plan[Any]], reason: str) -> list[FieldProblem]:
    """A correction keeps its history with a reason (the audit trail): required as soon as one row of the
    batch changes what was entered, and a short text."""
    corrected = [plan.name for plan in plans if not plan.new and plan.changes]
    text = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        message = f"更正理由过长（最多 {REASON_MAX_LENGTH} 个字符）"
        return [FieldProblem(REASON_FIELD, message, ErrorCode.OUT_OF_RANGE)]
    if _CONTROL.search(reason):
        return [FieldProblem(REASON_FIELD, "更正理由不能包含控制字符", ErrorCode.INVALID)]
    if corrected and not text:
        rows = "、".join(corrected[:20]) + ("等" if len(corrected) > 20 else "")
        message = f"{rows}更正了已填报的数据，须说明更正理由"
        return [FieldProblem(REASON_FIELD, message, ErrorCode.REQUIRED)]
    return []


async def apply(
    *,
    session: AsyncSession,
    actor: Actor,
    operation: str,
    kind: str,
    plans: Sequence[Plan[R]],
    reason: str,
) -> Recorded[R]:
    """Writes what the plans change, in the caller's transaction (all or nothing)."""
    recorded: Recorded[R] = Recorded()
    written: list[R] = []
    created = [plan for plan in plans if plan.new]
    if created:
        for plan in created:
            for name, value in {**plan.values, **(plan.written or {})}.items():
                setattr(plan.row, name, value)
        try:
            async with savepoint(session):
                session.add_all([plan.row for plan in created])
                await session.flush()
        except IntegrityError as exc:  # the same cell entered at the same moment by a colleague
            raise Conflict("同一数据刚由他人填报，请刷新后重试", code=CommonErrorCode.STALE_VERSION) from exc
    for plan in plans:
        correction = not plan.new and plan.changes
        if plan.new:
            await audit.record(
                session=session,
                actor=actor,
                operation=operation,
                target_type=type(plan.row).__name__,
                target_id=plan.row.id,
                before={},
                after=audit.snapshot(plan.row),
            )
            recorded.created += 1
        elif correction:
            before = audit.snapshot(plan.row)
            await claim(session=session, row=plan.row, expected_version=plan.row.row_version)
            for name, value in {**plan.values, **(plan.written or {})}.items():
                setattr(plan.row, name, value)
            session.add(plan.row)
            await audit.record(
                session=session,
                actor=actor,
                operation=operation,
                target_type=type(plan.row).__name__,
                target_id=plan.row.id,
                before=before,
                after=audit.snapshot(plan.row),
                extra={"reason": reason.strip()},
            )
            recorded.corrected += 1
        else:
            recorded.unchanged += 1
        if plan.new or correction:
            written.append(plan.row)
            event = {"operation": operation, "month": plan.row.month, "correction": correction}
            await record_event(session=session, kind=kind, subject=plan.row, actor=actor, payload=event)
        recorded.rows.append(plan.row)
    await session.flush()
    await _reread(session, written)
    return recorded


async def _reread(session: AsyncSession, rows: Sequence[Any]) -> None:
    """The rows written as stored (one statement): a correction's updated_at was set by its claim."""
    if rows:
        model = type(rows[0])
        stmt = select(model).where(col(model.id).in_([row.id for row in rows]))
        (await session.exec(stmt.execution_options(populate_existing=True))).all()
