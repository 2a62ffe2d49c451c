"""The dispatcher's bookkeeping on the webhook row. A process delivers a hook only while it holds the
hook's lease (lease_until in the future, set by a conditional UPDATE that one process alone can win, on
SQLite and PostgreSQL alike); every later write names the lease it holds, so a process that lost it (it
stalled past lease_until and another took over) changes nothing."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models.event import Event
from src.models.webhook import Webhook, WebhookDelivery


@dataclass
class Lease:
    webhook_id: int
    until: datetime  # the value this process wrote: it holds the lease while the row still has it


@dataclass(frozen=True)
class HookState:
    """What the administrator may have changed meanwhile: read again after every attempt."""

    enabled: bool
    url: str
    secret: str


def _free(now: datetime) -> Any:
    return or_(col(Webhook.lease_until).is_(None), col(Webhook.lease_until) < now)


def _due(now: datetime) -> Any:
    return or_(col(Webhook.retry_at).is_(None), col(Webhook.retry_at) <= now)


def _held(lease: Lease) -> Any:
    return (col(Webhook.id) == lease.webhook_id) & (col(Webhook.lease_until) == lease.until)


@dataclass(frozen=True)
class DueHooks:
    ids: list[int]  # enabled hooks with events after their cursor, no retry waiting and no lease held
    any_enabled: bool


async def due_webhooks(session: AsyncSession, now: datetime) -> DueHooks:
    """The hooks due now, and whether any hook is enabled at all, in one statement."""
    latest = select(func.coalesce(func.max(Event.id), 0)).scalar_subquery()
    due = and_(col(Webhook.last_event_id) < latest, _due(now), _free(now))
    stmt = select(Webhook.id, due.label("due")).where(col(Webhook.enabled)).order_by(col(Webhook.id))
    rows = (await session.exec(stmt)).all()
    return DueHooks(
        ids=[hook_id for hook_id, is_due in rows if is_due and hook_id is not None], any_enabled=bool(rows)
    )


async def acquire(
    sessionmaker: async_sessionmaker[AsyncSession], webhook_id: int, now: datetime, length: timedelta
) -> Lease | None:
    """The hook's lease until now + length, if it is due and nobody holds it; None otherwise."""
    until = now + length
    stmt = (
        update(Webhook)
        .where(col(Webhook.id) == webhook_id, col(Webhook.enabled), _due(now), _free(now))
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    async with session_scope(sessionmaker) as session:
        acquired = (await session.exec(stmt)).rowcount == 1
    return Lease(webhook_id, until) if acquired else None


async def release(sessionmaker: async_sessionmaker[AsyncSession], lease: Lease) -> None:
    stmt = (
        update(Webhook)
        .where(_held(lease))
        .values(lease_until=None)
        .execution_options(synchronize_session=False)
    )
    async with session_scope(sessionmaker) as session:
        await session.exec(stmt)


async def record(
    sessionmaker: async_sessionmaker[AsyncSession],
    lease: Lease,
    *,
    delivery: WebhookDelivery | None,
    values: dict[str, Any],
    renew_until: datetime,
) -> HookState | None:
    """Writes `values` on the hook and adds `delivery`, renewing the lease, in one transaction; the hook
    as it is now. None, and nothing written, when the lease is lost or the hook deleted."""
    stmt = (
        update(Webhook)
        .where(_held(lease))
        .values(**values, lease_until=renew_until)
        .execution_options(synchronize_session=False)
    )
    async with session_scope(sessionmaker) as session:
        if (await session.exec(stmt)).rowcount != 1:
            return None
        if delivery is not None:
            session.add(delivery)
        row = (
            await session.exec(
                select(Webhook.enabled, Webhook.url, Webhook.secret).where(Webhook.id == lease.webhook_id)
            )
        ).one()
    lease.until = renew_until
    return HookState(*row)


async def prior_attempts(session: AsyncSession, webhook_id: int, event_id: int) -> int:
    stmt = select(func.count()).where(
        WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.event_id == event_id
    )
    return int((await session.exec(stmt)).one())
