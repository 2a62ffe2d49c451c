"""`dataVersion` (the newest event id) as the response cache reads it: once per request, cheaply.

A pooled connection costs a hit more than the statement: on PostgreSQL a pre-ping, BEGIN and ROLLBACK
around it, on SQLite as many hops to aiosqlite's thread. So the cache keeps one connection of its own in
autocommit mode and sends the bare statement. Requests that wait while it is busy share the next read: it
starts after they arrived, so it sees every change committed before they did (never a stale answer). A
connection that failed is replaced once; a second failure is the request's error, as any statement's.
"""

import asyncio
import contextlib

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from src.models.event import Event

DATA_VERSION = select(func.max(Event.id))


class DataVersion:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.reads = 0  # statements sent (tests count them)
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._started = 0  # reads begun so far
        self._last: tuple[int, int] = (0, 0)  # (which read, its version) of the newest finished read

    async def read(self) -> int:
        arrived = self._started
        async with self._lock:
            done, version = self._last
            if done > arrived:  # begun after this request arrived: as fresh as a read of its own
                return version
            self._started += 1
            started = self._started
            version = await self._read_once()
            self._last = (started, version)
            return version

    async def _read_once(self) -> int:
        try:
            return await self._select()
        except Exception:
            await self._discard()  # a connection the database dropped: one more try on a new one
        return await self._select()

    async def _select(self) -> int:
        if self._connection is None:
            connection = await self.engine.connect()
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        self.reads += 1
        return int((await self._connection.execute(DATA_VERSION)).scalar() or 0)

    async def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already gone: nothing to give back
                await connection.invalidate()

    async def aclose(self) -> None:
        async with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                await connection.close()
