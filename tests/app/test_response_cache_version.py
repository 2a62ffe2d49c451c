"""dataVersion as the response cache reads it (version.py): requests that wait share a read begun after they
arrived, a change committed before a read is seen by it, and a connection the database dropped is replaced."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app.response_cache.version import DataVersion
from src.db import session_scope
from src.models import FundType
from src.seed.reference import seed_reference_data


@pytest.fixture
async def versions(engine: AsyncEngine, reference: None) -> AsyncIterator[DataVersion]:
    versions = DataVersion(engine)
    yield versions
    await versions.aclose()


async def change_reference_data(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """One committed event: a fund renamed behind the app's back, then seeded back to its shipped name."""
    async with session_scope(sessionmaker) as session:
        fund = (await session.exec(select(FundType).order_by(col(FundType.id)))).first()
        assert fund is not None
        fund.name_zh = "旧名称"
    async with session_scope(sessionmaker) as session:
        await seed_reference_data(session=session)


async def test_waiting_requests_share_the_next_read(versions: DataVersion) -> None:
    found = await asyncio.gather(*(versions.read() for _ in range(10)))
    # The first read began as the others arrived: they share the one begun after it.
    assert versions.reads == 2
    assert set(found) == {0}
    assert await versions.read() == 0 and versions.reads == 3  # alone: a read of its own


async def test_a_committed_change_is_read(
    versions: DataVersion, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await versions.read()
    await change_reference_data(sessionmaker)
    assert await versions.read() > before


async def test_a_dropped_connection_is_replaced(
    versions: DataVersion, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await versions.read()
    assert versions._connection is not None
    raw = await versions._connection.get_raw_connection()
    await raw.driver_connection.close()  # type: ignore[union-attr]
    await change_reference_data(sessionmaker)
    assert await versions.read() > before
    assert versions.reads == 3  # the first, the one that failed on the dropped connection, its retry
