"""Noticing overdue items: each item whose date passed undone is announced once, by a DeadlineNotice row
(unique by the item's key) and a DEADLINE_OVERDUE event written in the same transaction.

Once, even with several processes noticing at the same moment: the notices are inserted with ON CONFLICT
DO NOTHING, in key order, and only the rows an insert returns get their event. On PostgreSQL a second
insert of a key waits for the first transaction and then inserts nothing; on SQLite the insert is the
transaction's first statement, so it takes the write lock (waiting for the other writer) before it reads.
The periodic task (periodic.py) runs this in the worker, or in the server without Redis.
"""

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models import DeadlineNotice, FundType, Region
from src.models.base import utcnow
from src.services.deadlines.items import DeadlineItem, DeadlineStatus, china_today
from src.services.deadlines.listing import BodyKey, all_items, bodies, body_of
from src.services.rows import keep_rows
from src.subjects.events import record_event

logger = logging.getLogger(__name__)
# The DeadlineNotice subject's event kind, as its domain registered it (record_event checks it).
OVERDUE_EVENT = "DEADLINE_OVERDUE"
# Notices inserted per statement and transaction (SQLite allows 32,766 parameters in one statement).
CHUNK = 500
LABEL_LENGTH = 200  # DeadlineNotice.label


async def overdue_items(session: AsyncSession, now: datetime) -> list[DeadlineItem]:
    """Every item overdue on `now`'s day in China, in every province, of this year and the last (the last
    year's December work is due in January), not noticed yet; by key."""
    today = china_today(now)
    roots = (await session.exec(select(Region).where(col(Region.parent_id).is_(None)))).all()
    overdue = {
        item.key: item
        for root in roots
        for year in (today.year - 1, today.year)
        for item in await all_items(session, root, year)
        if item.status(today) == DeadlineStatus.OVERDUE
    }
    keys = sorted(overdue)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        known = await session.exec(select(DeadlineNotice.key).where(col(DeadlineNotice.key).in_(chunk)))
        for key in known.all():
            del overdue[key]
    return [overdue[key] for key in sorted(overdue)]


def _insert(session: AsyncSession, values: list[dict[str, Any]]) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(DeadlineNotice)
        .values(values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(DeadlineNotice.id))
    )


async def _announce(
    session: AsyncSession, items: list[DeadlineItem], found: dict[BodyKey, int], now: datetime
) -> list[str]:
    """Inserts the notices of `items` (the transaction's first statement) and announces those inserted."""
    values = [
        {
            "key": item.key,
            "region_id": item.region.id,
            "fund_type_id": item.fund_type_id,
            "organization_id": body_of(found, item),
            "label": item.label[:LABEL_LENGTH],
            "due_on": item.due_on,
            "noticed_at": now,
        }
        for item in items
    ]
    ids = [row[0] for row in (await session.exec(_insert(session, values))).all()]
    if not ids:
        return []
    notices = (await session.exec(select(DeadlineNotice).where(col(DeadlineNotice.id).in_(ids)))).all()
    await keep_rows(session, Region, {n.region_id for n in notices})  # each event's scope reads them
    await keep_rows(session, FundType, {n.fund_type_id for n in notices if n.fund_type_id is not None})
    by_key = {item.key: item for item in items}
    for notice in sorted(notices, key=lambda n: n.key):
        item = by_key[notice.key]
        payload = {
            "key": item.key,
            "kind": item.kind,
            "label": item.label,
            "dueOn": item.due_on.isoformat(),
            "year": item.year,
            "period": item.period,
        }
        await record_event(session=session, kind=OVERDUE_EVENT, subject=notice, actor=None, payload=payload)
    return sorted(n.key for n in notices)


async def notice_overdue(
    *, sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> list[str]:
    """Announces every overdue item not announced yet; the keys this call announced (another process may
    have announced some of the same items meanwhile: those are not among them)."""
    now = now or utcnow()
    async with sessionmaker() as session:
        overdue = await overdue_items(session, now)
        found = await bodies(session, {item.region.id for item in overdue})
    noticed: list[str] = []
    for start in range(0, len(overdue), CHUNK):
        async with session_scope(sessionmaker) as session:
            noticed += await _announce(session, overdue[start : start + CHUNK], found, now)
    if noticed:
        logger.info("deadlines: %d overdue items announced", len(noticed))
    return noticed
