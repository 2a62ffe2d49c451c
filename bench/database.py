"""A benchmark's database: a new SQLite file, or a new database on a PostgreSQL server, migrated and seeded as
`fundperf seed --demo` does."""

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.cli import migrate_database, seed_database
from src.db import create_engine, create_sessionmaker


def sqlite_url(work: Path) -> str:
    return f"sqlite+aiosqlite:///{work / 'bench.db'}"


@contextlib.asynccontextmanager
async def scratch_database(work: Path, postgres_url: str | None) -> AsyncIterator[str]:
    """The URL of a new, empty database for one run: a SQLite file in `work`; or, given the URL of a
    PostgreSQL server (any database on it the URL's user may connect to and create databases from), a
    database of its own on that server, dropped afterwards."""
    if postgres_url is None:
        yield sqlite_url(work)
        return
    server = make_url(postgres_url)
    if server.get_backend_name() != "postgresql":
        raise ValueError(f"not a PostgreSQL URL: {server.render_as_string(hide_password=True)}")
    name = f"fundperf_bench_{os.getpid()}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    try:
        async with admin.connect() as connection:
            await connection.execute(drop)
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(drop)
        await admin.dispose()


async def demo_database(url: str) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """The engine and sessionmaker of `url`, migrated and loaded; the caller disposes of the engine."""
    await migrate_database(url)
    await seed_database(url, demo=True, only_if_empty=False)
    engine = create_engine(url)
    return engine, create_sessionmaker(engine)
