"""The relay: events leave the outbox only after their transaction committed, in id order, at least once.

A session that wrote events wakes the relay of its sessionmaker when it commits (attach_relay); the relay
also looks every EVENT_RELAY_POLL_SECONDS, for events written by another process and for what a relay that
stopped between publishing and marking left behind. Each round, under a lock shared by every relay (Redis,
or this process's when there is no Redis), it reads what is unpublished in id order, publishes it, then
marks it published. A crash between the two publishes it again: subscribers skip ids they have seen.

Ids are in commit order (outbox.py serializes event-writing transactions on PostgreSQL; SQLite has one
writer), so publishing in id order under the lock never lets a later event overtake an earlier one.

Without Redis this process is the only publisher (`serve` runs one process then), so it remembers the last id
it published and marks in the background, what MARK_DELAY_SECONDS gathered in one write: the next event is
read and published while the previous one's mark waits for the database (on SQLite, for the writer lock a
request holds: tens of ms under load, more when SQLite's busy handler backs off), and the requests' writes
meet one mark a MARK_DELAY_SECONDS instead of one per event. A process stopped before its marks landed
publishes those events again when it starts.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import sqlalchemy as sa
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.bus import Bus
from src.events.message import EventMessage
from src.models.base import utcnow
from src.models.event import Event
from src.redis_client import UNAVAILABLE, Outage, redis_client
from src.subjects.events import RELAY

logger = logging.getLogger(__name__)
BATCH = 500
LOCK_NAME = "fundperf:events:relay"
# The lock expires on its own this long after it was taken, should its holder vanish (or lose Redis) with it;
# a relay waits this long for it before leaving the events to its next round.
LOCK_SECONDS = 30
LOCK_WAIT_SECONDS = 10
SETTLE_AT_CLOSE_SECONDS = 10.0  # how long a stopping process tries to write its last marks
# Woken by a commit while other transactions of this process are writing events (a burst of mutations), a
# round waits this long at most for them to end: their events then go out as one batch (one read, one
# authentication of the subscribers, one write per connection) instead of one round each.
GATHER_SECONDS = 0.01
MARK_DELAY_SECONDS = 0.5


class LockBusy(RuntimeError):
    """Another relay held the outbox lock for all of LOCK_WAIT_SECONDS."""


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
        self._redis: Redis | None = redis_client(redis_url) if redis_url else None
        self.outage = Outage("event relay (events wait in the outbox meanwhile)", logger=logger)
        self._local_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._orphan: tuple[Lock, bytes] | None = None  # a lock this relay could not release in an outage
        self.on_published: Callable[[], None] | None = None  # told after each round that published
        self.on_events: Callable[[list[EventMessage]], None] | None = None  # told what it published (metrics)
        # Without Redis: the last id published here, and the ids published but not yet marked.
        self._published_up_to: int | None = None
        self._to_mark: list[int] = []
        self._marker: asyncio.Task[None] | None = None
        self._mark_now = asyncio.Event()
        # This process's transactions that have begun writing events and not ended (src/subjects/events.py).
        self.writing = 0
        self._writers_done = asyncio.Event()

    def writing_started(self) -> None:
        self.writing += 1
        self._writers_done.clear()

    def writing_ended(self) -> None:
        self.writing = max(0, self.writing - 1)
        if not self.writing:
            self._writers_done.set()

    async def _gather(self) -> None:
        """Waits up to GATHER_SECONDS for the transactions writing events now to end."""
        if self.writing:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(GATHER_SECONDS):
                    await self._writers_done.wait()

    def wake(self) -> None:
        self._wake.set()

    @contextlib.asynccontextmanager
    async def _lock(self) -> AsyncIterator[None]:
        async with self._local_lock:
            if self._redis is None:
                yield
                return
            await self._release_orphan()
            lock = self._redis.lock(
                LOCK_NAME, timeout=LOCK_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS, sleep=0.005
            )
            if not await lock.acquire():
                raise LockBusy(f"{LOCK_NAME} held elsewhere for {LOCK_WAIT_SECONDS} s")
            token: bytes = lock.local.token
            try:
                yield
            finally:
                try:
                    await lock.do_release(token)
                except UNAVAILABLE:
                    # Redis went away while the lock was held: it is released as soon as Redis answers
                    # again, instead of holding every relay back until it expires.
                    self._orphan = (lock, token)

    async def _release_orphan(self) -> None:
        if self._orphan is not None:
            lock, token = self._orphan
            with contextlib.suppress(LockError):  # expired meanwhile (and perhaps taken by another relay)
                await lock.do_release(token)
            self._orphan = None

    async def _unpublished(self, after: int | None = None) -> list[EventMessage]:
        stmt = _UNPUBLISHED if after is None else _UNPUBLISHED.where(col(Event.id) > after)
        async with self.sessionmaker() as session:
            rows = (await (await session.connection()).execute(stmt)).all()
        return [EventMessage.of(row) for row in rows]  # type: ignore[arg-type]  # rows named like Event

    async def _mark(self, ids: list[int]) -> None:
        # A transaction of its own: on SQLite a read transaction cannot become a write one once another
        # writer has committed meanwhile ("database is locked", busy timeout or not).
        async with self.sessionmaker() as session:
            await session.exec(update(Event).where(col(Event.id).in_(ids)).values(published_at=utcnow()))
            await session.commit()

    async def flush(self) -> int:
        """Publishes what is unpublished, in id order; the number published. With Redis the lock is taken
        only when there is something to publish, the rows are read again under it (another process's
        relay may have sent them) and marked before it is released; without, this process's lock is free
        for the asking and the marks follow in the background (settle waits for them)."""
        if self._redis is None:
            return await self._flush_alone()
        if not await self._unpublished():
            return 0
        published = 0
        async with self._lock():
            while rows := await self._unpublished():
                await self.bus.publish(rows)
                if self.on_events is not None:
                    self.on_events(rows)
                await self._mark([row.id for row in rows])
                published += len(rows)
                if len(rows) < BATCH:
                    break
        return published

    async def _flush_alone(self) -> int:
        published = 0
        async with self._local_lock:
            while rows := await self._unpublished(after=self._published_up_to):
                await self.bus.publish(rows)
                if self.on_events is not None:
                    self.on_events(rows)
                self._published_up_to = rows[-1].id
                self._to_mark.extend(row.id for row in rows)
                if self._marker is None or self._marker.done():
                    self._marker = asyncio.create_task(self._mark_published(), name="event-relay-marks")
                published += len(rows)
                if len(rows) < BATCH:
                    break
        return published

    async def _mark_published(self) -> None:
        while self._to_mark:
            if not self._mark_now.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(MARK_DELAY_SECONDS):
                        await self._mark_now.wait()
            ids, self._to_mark = self._to_mark[:BATCH], self._to_mark[BATCH:]
            try:
                await self._mark(ids)
            except Exception as exc:
                # Published all the same; left unmarked, a restart would publish them again: kept, and tried
                # again after a delay (on SQLite under load the writer lock can outwait the busy timeout).
                logger.warning("event relay: could not mark %d published events now (%s)", len(ids), exc)
                self._to_mark[:0] = ids
                await asyncio.sleep(MARK_DELAY_SECONDS)

    async def settle(self) -> None:
        """Waits for the marks of what was published (without Redis they follow in the background)."""
        self._mark_now.set()
        try:
            while self._marker is not None and not self._marker.done():
                await asyncio.shield(self._marker)
        finally:
            self._mark_now.clear()

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            if self._stopping:
                return
            await self._gather()
            self._wake.clear()  # the commits meanwhile are read by this round
            try:
                if await self.flush() and self.on_published is not None:
                    self.on_published()
                self.outage.recovered()
            except UNAVAILABLE as exc:
                self.outage.failed(exc)  # the next poll tries again
            except (LockBusy, LockError) as exc:
                # Another process is publishing, or a relay lost Redis while it held the lock and could not
                # release it (it expires LOCK_SECONDS after it was taken). Expected; the next round tries.
                logger.info("event relay: the outbox lock is held elsewhere (%s); the events wait", exc)
            except Exception:
                logger.exception("event relay: round failed; the events wait in the outbox")

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="event-relay")

    async def aclose(self) -> None:
        if self._task is not None:
            # A round cut between its publish and its mark would leave published events unmarked, and the
            # flush below would publish them twice: the round in progress ends first (cancelled only if it
            # outlasts SETTLE_AT_CLOSE_SECONDS).
            self._stopping = True
            self._wake.set()
            await asyncio.wait({self._task}, timeout=SETTLE_AT_CLOSE_SECONDS)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        with contextlib.suppress(Exception):
            await self.flush()  # what the last requests wrote goes out before the process does
            async with asyncio.timeout(SETTLE_AT_CLOSE_SECONDS):  # the database may be gone for good
                await self.settle()
        if self._marker is not None:
            self._marker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._marker
        if self._redis is not None:
            await self._redis.aclose()


def attach_relay(sessionmaker: async_sessionmaker[AsyncSession], relay: Relay) -> None:
    """Sessions from `sessionmaker` wake `relay` when they commit a transaction that wrote events."""
    sessionmaker.configure(info={RELAY: relay})
