"""A benchmark's database: a new SQLite file, migrated and seeded as `fundperf seed --demo` does."""

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.cli import migrate_database, seed_database
from src.db import create_engine, create_sessionmaker


def sqlite_url(work: Path) -> str:
    return f"sqlite+aiosqlite:///{work / 'bench.db'}"


async def demo_database(url: str) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """The engine and sessionmaker of `url`, migrated and loaded; the caller disposes of the engine."""
    await migrate_database(url)
    await seed_database(url, demo=True, only_if_empty=False)
    engine = create_engine(url)
    return engine, create_sessionmaker(engine)
