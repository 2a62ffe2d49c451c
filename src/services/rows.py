"""Reference rows (regions, fund types) a request reads more than once.

A session's identity map holds a row only while something else does: a region read for the policy and let go
was read again by the next `session.get` (a goal mutation read its region and fund twice, for the policy and
for its event). `kept_row` keeps what it read for the session's life; sessions live for one request or job.
"""

from collections.abc import Collection
from typing import TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region

KEPT = "fundperf.kept_rows"  # session.info key
Row = TypeVar("Row", Region, FundType)


async def kept_row(session: AsyncSession, model: type[Row], row_id: int) -> Row | None:
    """`session.get(model, row_id)`, the row kept in the session for later reads of it."""
    row = await session.get(model, row_id)
    if row is not None:
        session.info.setdefault(KEPT, {})[model, row_id] = row  # once each, however often it is read
    return row


def keep(session: AsyncSession, *rows: Region | FundType) -> None:
    """Keeps rows read with another (joined to it in one statement): kept_row then reads none of them."""
    kept = session.info.setdefault(KEPT, {})
    for row in rows:
        kept[type(row), row.id] = row


async def keep_rows(session: AsyncSession, model: type[Row], row_ids: Collection[int]) -> None:
    """Reads the rows `row_ids` not kept yet in one statement and keeps them (kept_row then reads none)."""
    kept = session.info.setdefault(KEPT, {})
    missing = sorted({row_id for row_id in row_ids if (model, row_id) not in kept})
    if missing:
        for row in (await session.exec(select(model).where(col(model.id).in_(missing)))).all():
            kept[model, row.id] = row
