"""Reference rows (regions, fund types) a request reads more than once.

A session's identity map holds a row only while something else does: a region read for the policy and let go
was read again by the next `session.get` (a goal mutation read its region and fund twice, for the policy and
for its event). `kept_row` keeps what it read for the session's life; sessions live for one request or job.
"""

from typing import TypeVar

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
