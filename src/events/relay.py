"""The relay: events leave the outbox only after their transaction committed, in id order, at least once.

A session that wrote events wakes the relay of its sessionmaker when it commits (attach_relay); the relay
also looks every EVENT_RELAY_POLL_SECONDS, for events written by another process and for what a relay that
stopped between publishing and marking left behind. Each round, under a lock shared by every relay (Redis,
or this process's when there is no Redis), it reads what is unpublished in id order, publishes it, then
marks it published. A crash between the two publishes it again: subscribers skip ids they have seen.

Ids are in commit order (outbox.py serializes event-writing transactions on PostgreSQL; SQLite has one
writer), so publishing in id order under the lock never lets a later event overtake an earlier one.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import sqlalchemy as sa
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.bus import Bus
from src.events.message import EventMessage
from src.events.outbox import RELAY
from src.models.base import utcnow
from src.models.event import Event

logger = logging.getLogger(__name__)
BATCH = 500
LOCK_NAME = "fundperf:events:relay"
# Plain rows, not ORM objects: nothing here is changed through them.
_UNPUBLISHED = (
    sa.select(*Event.__table__.columns)  # type: ignore[attr-defined]
    .where(col(Event.published_at).is_(None))
    .order_by(col(Event.id))
    .limit(BATCH)
)


class Relay:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: Bus,
        redis_url: str | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.poll_seconds = poll_seconds
        self._redis: Redis | None = Redis.from_url(redis_url) if redis_url else None
        self._local_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.on_published: Callable[[], None] | None = None  # told after each round that published

    def wake(self) -> None:
        self._wake.set()

    @contextlib.asynccontextmanager
    async def _lock(self) -> AsyncIterator[None]:
        async with self._local_lock:
            if self._redis is None:
                yield
                return
            async with self._redis.lock(LOCK_NAME, timeout=30, blocking_timeout=10, sleep=0.005):
                yield

    async def _unpublished(self) -> list[EventMessage]:
        async with self.sessionmaker() as session:
            rows = (await (await session.connection()).execute(_UNPUBLISHED)).all()
        return [EventMessage.of(row) for row in rows]  # type: ignore[arg-type]  # rows named like Event

    async def flush(self) -> int:
        """Publishes what is unpublished, in id order; the number published. With Redis the lock is taken
        only when there is something to publish, and the rows are read again under it (another process's
        relay may have sent them); without, this process's lock is free for the asking."""
        if self._redis is not None and not await self._unpublished():
            return 0
        published = 0
        async with self._lock():
            while rows := await self._unpublished():
                await self.bus.publish(rows)
                # Marked in a transaction of its own: on SQLite a read transaction cannot become a write one
                # once another writer has committed meanwhile ("database is locked", busy timeout or not).
                async with self.sessionmaker() as session:
                    ids = [row.id for row in rows]
                    await session.exec(
                        update(Event).where(col(Event.id).in_(ids)).values(published_at=utcnow())
                    )
                    await session.commit()
                published += len(rows)
                if len(rows) < BATCH:
                    break
        return published

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
            try:
                if await self.flush() and self.on_published is not None:
                    self.on_published()
            except (RedisError, OSError) as exc:
                logger.info("event relay: cannot publish now (%s); the events wait in the outbox", exc)
            except Exception:
                logger.exception("event relay: round failed; the events wait in the outbox")

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="event-relay")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self.flush()  # what the last requests wrote goes out before the process does
        if self._redis is not None:
            await self._redis.aclose()


def attach_relay(sessionmaker: async_sessionmaker[AsyncSession], relay: Relay) -> None:
    """Sessions from `sessionmaker` wake `relay` when they commit a transaction that wrote events."""
    sessionmaker.configure(info={RELAY: relay})
