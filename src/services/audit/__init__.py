"""Appending to the audit trail, in the caller's transaction so it commits or rolls back with the change."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent
from src.services.actors import Actor

Snapshot = dict[str, Any]
SNAPSHOT_EXCLUDE = frozenset({"updated_at"})


def _plain(value: Any) -> Any:
    """JSON-safe values: decimals as strings (exact), enums as codes, times as ISO 8601, UUIDs as text."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row: SQLModel | None, *, exclude: frozenset[str] = SNAPSHOT_EXCLUDE) -> Snapshot:
    if row is None:
        return {}
    return {k: _plain(v) for k, v in row.model_dump().items() if k not in exclude}


def changes(before: Snapshot, after: Snapshot) -> dict[str, dict[str, Any]]:
    """Only the fields that differ; a created record has before None, a deleted one after None."""
    keys = sorted(set(before) | set(after))
    return {
        k: {"before": before.get(k), "after": after.get(k)} for k in keys if before.get(k) != after.get(k)
    }


async def record(
    *,
    session: AsyncSession,
    actor: Actor,
    operation: str,
    target_type: str,
    target_id: int | None,
    before: Snapshot,
    after: Snapshot,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    diff: dict[str, Any] = changes(before, after)
    if extra:
        diff.update({k: {"before": None, "after": _plain(v)} for k, v in extra.items()})
    event = AuditEvent(
        user_id=actor.user_id,
        organization_id=actor.organization_id,
        operation=operation,
        target_type=target_type,
        target_id=target_id,
        changes=diff,
    )
    session.add(event)
    return event


async def _record_row(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    row: SQLModel,
    before: Snapshot,
    after: Snapshot,
    extra: dict[str, Any] | None = None,
) -> None:
    await record(
        session=session,
        actor=actor,
        operation=operation,
        target_type=type(row).__name__,
        target_id=getattr(row, "id", None),
        before=before,
        after=after,
        extra=extra,
    )


async def created(
    *,
    session: AsyncSession,
    actor: Actor,
    operation: str,
    row: SQLModel,
    exclude: frozenset[str] = SNAPSHOT_EXCLUDE,
    extra: dict[str, Any] | None = None,
) -> None:
    """Insert `row` and record it (before: nothing)."""
    session.add(row)
    await session.flush()
    await _record_row(session, actor, operation, row, {}, snapshot(row, exclude=exclude), extra)


@asynccontextmanager
async def changing(
    *,
    session: AsyncSession,
    actor: Actor,
    operation: str,
    row: SQLModel,
    exclude: frozenset[str] = SNAPSHOT_EXCLUDE,
) -> AsyncIterator[dict[str, Any]]:
    """Record what the block changes on `row`: its fields before, then after a flush. The block may put
    values that are not fields of the row (e.g. the goals a step created) in the dict it is given."""
    before = snapshot(row, exclude=exclude)
    extra: dict[str, Any] = {}
    yield extra
    session.add(row)
    await session.flush()
    await _record_row(session, actor, operation, row, before, snapshot(row, exclude=exclude), extra or None)


async def deleted(*, session: AsyncSession, actor: Actor, operation: str, row: SQLModel) -> None:
    """Delete `row` and record what it held (after: nothing)."""
    before = snapshot(row)
    await session.delete(row)
    await session.flush()
    await _record_row(session, actor, operation, row, before, {})
