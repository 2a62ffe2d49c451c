"""What evicts the actor caches (actor_cache.py): every committed change to what an Actor is made of.

Every session of the process notes the users, organizations, regions, API tokens and assignments its
flushes write, and the ORM statements that insert, update or delete such rows (their rows unknown:
everything). When its transaction commits, every actor cache of the process (one per app) drops what the
change concerns at once, and with Redis the change is published on a channel every server process listens
to; `commit()` returns once it is published (AppSession, src/db.py), so a mutation's answer never overtakes
its eviction. A statement marked ACTOR_NEUTRAL (an API token's last use) evicts nothing. A listener that lost
Redis empties its cache when it is back: evictions may have passed meanwhile.
"""

import asyncio
import contextlib
import logging
import weakref
from itertools import chain
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from src.db import AWAITED_AFTER_COMMIT
from src.models import ApiToken, Assignment, Organization, Region, User
from src.redis_client import UNAVAILABLE, Outage, redis_client
from src.services.identity.actor_cache import EVERYTHING, ActorCache, Change
from src.services.identity.api_tokens import ACTOR_NEUTRAL

logger = logging.getLogger(__name__)
CHANNEL = "fundperf:actors:db{db}"  # pub/sub ignores database numbers: the URL's database names the channel
NOTED = "fundperf.actor_changes.noted"  # session.info: what the transaction changed so far
WATCHED = (User, Organization, Region, ApiToken, Assignment)


def change_of(row: object) -> Change:
    """The actors a written row concerns."""
    if isinstance(row, User) and row.id is not None:
        return Change(users=frozenset({row.id}))
    if isinstance(row, Organization) and row.id is not None:
        return Change(organizations=frozenset({row.id}))
    if isinstance(row, ApiToken):
        return Change(users=frozenset({row.user_id}))
    if isinstance(row, Assignment):
        return Change(organizations=frozenset({row.organization_id}))
    return EVERYTHING  # a region (its path is every organization's below it), or a row without an id yet


class ActorChanges:
    """This process's end of the evictions: the cache, and the Redis channel when there is one."""

    def __init__(self, cache: ActorCache, redis_url: str | None) -> None:
        self.cache = cache
        _processes_own.add(self)
        self._redis: Redis | None = redis_client(redis_url) if redis_url else None
        self._listening: Redis | None = redis_client(redis_url, command_timeout=None) if redis_url else None
        db = self._redis.connection_pool.connection_kwargs.get("db", 0) if self._redis is not None else 0
        self.channel = CHANNEL.format(db=db)
        self.outage = Outage("actor cache evictions (the cache is emptied when Redis is back)", logger=logger)
        self._listener: asyncio.Task[None] | None = None
        self._serving = False  # published from start() to aclose(): an app never started tells nobody
        self._publishing: set[asyncio.Task[None]] = set()

    def committed(self, change: Change) -> asyncio.Task[None] | None:
        """Evicts here at once; the task publishing it to the other processes, if any."""
        self.cache.evict(change)
        if self._redis is None or not self._serving:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a synchronous session outside the event loop (a migration)
            return None
        task = loop.create_task(self._publish(change))
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)
        return task

    async def _publish(self, change: Change) -> None:
        assert self._redis is not None
        try:
            await self._redis.publish(self.channel, change.to_json())
        except UNAVAILABLE as exc:
            # Committed all the same: the other processes' entries end by ACTOR_CACHE_SECONDS.
            logger.warning("actor cache: could not tell the other processes of a change (%s)", exc)

    async def start(self) -> None:
        if self._listening is None:
            return
        self._serving = True
        ready = asyncio.Event()
        self._listener = asyncio.create_task(self._listen(ready), name="actor-cache-evictions")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):  # listening before serving; Redis down: later, in the loop
                await ready.wait()

    async def _listen(self, ready: asyncio.Event) -> None:
        assert self._listening is not None
        while True:
            try:
                async with self._listening.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    self.cache.clear()  # what was published while nobody listened is lost
                    ready.set()
                    self.outage.recovered()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.cache.evict(Change.from_json(message["data"]))
            except UNAVAILABLE as exc:
                self.cache.clear()
                await asyncio.sleep(self.outage.failed(exc))

    async def aclose(self) -> None:
        _processes_own.discard(self)
        self._serving = False
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._publishing:
            await asyncio.wait(set(self._publishing), timeout=5)
        for client in (self._redis, self._listening):
            if client is not None:
                await client.aclose()


# Every app's of this process: a change committed through any session here evicts them all (a test, a
# command, another app on the same database).
_processes_own: "weakref.WeakSet[ActorChanges]" = weakref.WeakSet()


def _note(session: Session, change: Change) -> None:
    noted = session.info.get(NOTED)
    session.info[NOTED] = change if noted is None else noted | change


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _flush_context: Any) -> None:
    if not _processes_own:
        return
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, WATCHED):
            _note(session, change_of(row))


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not _processes_own or not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(ACTOR_NEUTRAL):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, WATCHED):
        _note(state.session, EVERYTHING)


@event.listens_for(Session, "after_commit")
def _evict(session: Session) -> None:
    change: Change | None = session.info.pop(NOTED, None)
    if change is None:
        return
    tasks = [task for changes in list(_processes_own) if (task := changes.committed(change)) is not None]
    if tasks:
        session.info[AWAITED_AFTER_COMMIT] = asyncio.gather(*tasks)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(NOTED, None)
