"""One database session per request, shared by every loader batch and read resolver of it.

Checking a connection out of the pool and rolling it back on the way in costs about what a small statement
does; a page whose eleven statements each opened a session paid for eleven. A request's RequestSession
checks one out on first use (a request that reads nothing checks out nothing) and gives it back when the
request ends. Resolvers and loader batches run concurrently and a session serves one statement at a time,
so each use holds a lock: batches already coalesce keys, so they wait for one another rarely and briefly.

Mutations do not write through it: each opens its own unit of work (transaction.py) and commits before its
payload is read, so the payload's reads here see what it wrote (READ COMMITTED on PostgreSQL; SQLite reads
outside a transaction).
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession


class Sessionmaker(Protocol):
    """What loaders and read resolvers open sessions with, `async with sessionmaker() as session:`: the
    app's async_sessionmaker (a session of one's own) or a request's RequestSession (the shared one)."""

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]: ...


def spoils_session(error: BaseException) -> bool:
    """Whether a use that ended with `error` may have left the session unusable: a database error (on
    PostgreSQL the transaction is then aborted) or a cancellation mid-statement (the operation's time
    limit). A domain refusal raised while holding it leaves it as it was."""
    return isinstance(error, SQLAlchemyError) or not isinstance(error, Exception)


class RequestSession:
    """`async with shared() as session:` — the request's one session, under its lock; close() at the end.

    Once closed (the request answered: a loader batch the time limit left running may still come), each
    use opens a short session of its own, as without sharing."""

    __slots__ = ("_closed", "_lock", "_session", "sessionmaker")

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._use()

    @asynccontextmanager
    async def _use(self) -> AsyncIterator[AsyncSession]:
        if self._closed:
            async with self.sessionmaker() as own:
                yield own
            return
        async with self._lock:
            if self._closed:  # closed while this use waited for the lock
                async with self.sessionmaker() as own:
                    yield own
                return
            session = self._session
            if session is None:
                session = self._session = self.sessionmaker()
            try:
                yield session
            except BaseException as error:
                if spoils_session(error):  # the next use starts afresh, on a connection of its own
                    self._session = None
                    await _release(session)
                raise
            finally:
                if self._closed and self._session is not None:  # close() came while this use ran
                    await self._discard()

    async def close(self) -> None:
        """Gives the connection back (if one was checked out). A use still running (a batch that outlived
        its operation) gives it back when it ends."""
        self._closed = True
        if not self._lock.locked() and self._session is not None:
            await self._discard()

    async def _discard(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await _release(session)


async def _release(session: AsyncSession) -> None:
    # Shielded like AsyncSession.__aexit__: a cancelled request still returns its connection to the pool.
    await asyncio.shield(session.close())
