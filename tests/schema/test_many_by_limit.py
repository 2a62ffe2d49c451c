"""many_by with a limit per key: a batch reads its keys' rows in order under a LIMIT of `limit` per key on
average, and only a batch exceeding it is read again, ranked per key in SQL. Either way each key gets its
first (or newest) `limit` rows, in order."""

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Indicator
from src.schema.loaders import many_by
from src.seed.reference import load_reference_data
from tests.conftest import StatementCounter
from tests.factories import make_goal


async def _goals(session: AsyncSession) -> tuple[int, int, dict[int, list[int]]]:
    """A goal of 3 indicators and one of 1, and each goal's indicator ids in the loader's order."""
    await load_reference_data(session=session)
    big = await make_goal(session, indicators=3)
    small = await make_goal(session, region_code="510000", indicators=1)
    await session.commit()
    assert big.id is not None and small.id is not None
    order = [col(Indicator.goal_id), col(Indicator.sort_order), col(Indicator.id)]
    ids: dict[int, list[int]] = {big.id: [], small.id: []}
    for row in (await session.exec(select(Indicator).order_by(*order))).all():
        ids[row.goal_id].append(row.id or 0)
    return big.id, small.id, ids


def _ids(found: Any) -> list[list[int]]:
    return [[row.id for row in rows] for rows in found]


async def test_a_batch_within_its_limit_reads_once_and_keeps_each_keys_first_rows(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    big, small, ids = await _goals(session)
    first = many_by(sessionmaker, Indicator, Indicator.goal_id, [Indicator.sort_order, Indicator.id], limit=2)
    newest = many_by(
        sessionmaker, Indicator, Indicator.goal_id, [Indicator.sort_order, Indicator.id], limit=2, newest=True
    )
    count_statements.reset()
    # 4 rows for 2 keys of at most 2: within the batch's LIMIT, though the big goal has 3.
    assert _ids(await first.load_fn([big, small, 0])) == [ids[big][:2], ids[small], []]
    assert _ids(await newest.load_fn([big, small])) == [ids[big][-2:], ids[small]]
    assert count_statements.count == 2


async def test_a_batch_beyond_its_limit_is_ranked_per_key(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    big, _small, ids = await _goals(session)
    first = many_by(sessionmaker, Indicator, Indicator.goal_id, [Indicator.sort_order, Indicator.id], limit=2)
    newest = many_by(
        sessionmaker, Indicator, Indicator.goal_id, [Indicator.sort_order, Indicator.id], limit=2, newest=True
    )
    count_statements.reset()
    assert _ids(await first.load_fn([big])) == [ids[big][:2]]
    assert _ids(await newest.load_fn([big])) == [ids[big][-2:]]
    assert count_statements.count == 4  # 3 rows for one key of at most 2: read again, ranked
