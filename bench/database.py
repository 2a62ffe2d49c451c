"""A benchmark's database: a new SQLite file, migrated, with the reference data and the demo data."""

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src import migrate
from src.db import create_engine, create_sessionmaker
from src.seed.demo import load_demo_data
from src.seed.reference import load_reference_data


def sqlite_url(work: Path) -> str:
    return f"sqlite+aiosqlite:///{work / 'bench.db'}"


async def demo_database(url: str) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """The engine and sessionmaker of `url`, migrated and loaded; the caller disposes of the engine."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
    async with sessionmaker() as session:
        await load_demo_data(session=session)
        await session.commit()
    return engine, sessionmaker
