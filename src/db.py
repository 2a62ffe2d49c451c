"""Async engine and sessions. One session per request or job; never shared across concurrent tasks."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

# Constraint names are stable across SQLite and PostgreSQL so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """SQLite's reset on return to the pool (the pool's own is off): a rollback only if a transaction is
    still open. A session's close rolls back, then closes its connection, and the pool rolled back again:
    each rollback is a hop to aiosqlite's thread, about a twentieth of a small request's CPU. Where the pool
    may not do I/O (a connection collected as garbage) it does none either; such a connection is dropped."""
    if state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def create_engine(url: str, *, echo: bool = False, **engine_kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    # Parameter values of a failed statement stay out of exceptions and logs (they may be personal data).
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True, **engine_kwargs}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["pool_reset_on_return"] = None  # _sqlite_reset instead
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine.pool, "reset", _sqlite_reset)
    return engine


# session.info: a task an after_commit hook started that commit() waits for (it cannot await in the hook):
# the actor cache's eviction reaching the other processes before a mutation answers (actor_changes.py).
AWAITED_AFTER_COMMIT = "fundperf.awaited_after_commit"


class AppSession(AsyncSession):
    async def commit(self) -> None:
        await super().commit()
        task: asyncio.Future[None] | None = self.info.pop(AWAITED_AFTER_COMMIT, None)
        if task is not None:
            await asyncio.shield(task)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, class_=AppSession)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for a request's reads (src/schema/request_session.py). On PostgreSQL in autocommit: under READ
    COMMITTED every statement reads its own snapshot inside a transaction too, so the BEGIN and ROLLBACK
    around a request's reads bought nothing and cost two round trips. SQLite's driver begins no transaction
    before a read anyway. A write through it (an API token's use, noted by authentication) commits itself."""
    if engine.dialect.name == "sqlite":
        return create_sessionmaker(engine)
    return create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))


@asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[None]:
    """`session.begin_nested()` that stays inside the session's transaction on SQLite too. The sqlite3
    module opens a transaction only before a data-changing statement, so a SAVEPOINT that is the first write
    starts one of its own, and releasing it commits: a later rollback of the session would keep what was
    written inside (a refused upload half stored). On SQLite the transaction is begun first."""
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        raw = await connection.get_raw_connection()
        if not raw.driver_connection.in_transaction:  # type: ignore[union-attr]
            await connection.exec_driver_sql("BEGIN")
    async with session.begin_nested():
        yield


@asynccontextmanager
async def session_scope(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A unit of work: commit on success, roll back on any error."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
