"""This process's live subscribers, and the delivery of published events to them.

The bus hands every published batch to deliver(); one task takes the batches in order and, per batch,
authenticates every subscriber's credentials afresh (authenticate_many in src/services/identity/
authentication.py: a request's rules, two statements at most), then gives each subscriber the events that
match its filter and that the actor it is now may read (visibility.py).
A subscriber's queue is bounded: one that falls that far behind is dropped (its subscription ends with
SUBSCRIBER_TOO_SLOW; it resumes with afterEventId), so a slow client never holds up the others.

A shared subscriber (shared.py) that waits for its next item with an empty queue can take an event at
once, without a task waking up for it: `send_now` writes the frame straight to its connection
(src/serve/ws_protocol.py). Anything else (a signal, a connection whose client is not reading, a subscriber
busy with a catch-up) goes through the queue, so the order is kept. Batches published while the hub was
delivering are delivered together, and a connection's events of one delivery leave in one write.
"""

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.filters import EventFilter
from src.events.message import EventMessage
from src.events.reads import MAX_PAGE, events_after
from src.events.shared import Plan, RawPayload
from src.events.visibility import event_visible
from src.services.actors import Actor
from src.services.errors import Unauthenticated
from src.services.identity.authentication import TokenCache, authenticate_many

logger = logging.getLogger(__name__)
# The server raises the collector's young-generation threshold to 50,000 (src/app/__init__.py); a collection
# that large took 30-45 ms whenever it struck, in the middle of a delivery as likely as not. Once a batch is
# delivered and nothing waits, the hub collects the young generation itself if it holds this many: a few ms
# between events instead (bench/subscriptions.py: p99 over 50 ms in three of four runs without, in none with).
GC_AFTER_DELIVERY = 10_000


class Signal(Enum):
    RESYNC = "resync"  # the bus was away: read what was missed from the outbox
    UNAUTHENTICATED = "unauthenticated"  # the credentials no longer authenticate
    TOO_SLOW = "too_slow"  # the queue overflowed


class SubscriberTooSlow(Exception):
    """The subscriber's queue overflowed: it ends, and resumes after `last_id`."""

    def __init__(self, last_id: int) -> None:
        super().__init__(f"subscriber too slow after event {last_id}")
        self.last_id = last_id


@dataclass(frozen=True)
class Rendered:
    """An event already executed and serialized for a shared plan (shared.py)."""

    event_id: int
    payload: RawPayload
    data: bytes  # the payload as UTF-8, encoded once for every connection


Item = EventMessage | Rendered | Signal
Render = Callable[[Plan, EventMessage], Awaitable[RawPayload]]


@dataclass(eq=False)
class Subscriber:
    authorization: str
    event_filter: EventFilter
    queue: asyncio.Queue[Item]
    last_id: int = 0  # the last event id delivered: catch-up and live events after it, each once
    dropped: bool = False
    plan: Plan | None = None  # set: it gets Rendered items, shared with every subscriber of the same key
    # Sends Rendered items to the connection at once, in order (small ones in one write): how many it could
    # (the rest are queued instead).
    send_now: Callable[[Sequence[Rendered]], int] | None = None
    waiting: bool = False  # its stream waits on an empty queue: nothing it was given is still being sent

    def wants(self, event: EventMessage) -> bool:
        return event.id > self.last_id and self.event_filter.matches(event)

    def put(self, item: Item) -> None:
        self.put_all((item,))

    def put_all(self, items: Sequence[Item]) -> None:
        """`items` in order; Rendered ones a waiting connection can take now go out at once, together."""
        if self.dropped:
            return
        if self.waiting and self.send_now is not None and self.queue.empty():
            fresh, last = [], self.last_id
            for item in items:
                if not isinstance(item, Rendered):
                    break
                if item.event_id > last:  # a resend of what it has: skipped
                    fresh.append(item)
                    last = item.event_id
            else:
                sent = self.send_now(fresh) if fresh else 0
                if sent:
                    self.last_id = fresh[sent - 1].event_id
                if sent == len(fresh):
                    return
                items = fresh[sent:]  # the connection's buffer filled up: the rest waits in order
        for item in items:
            self._enqueue(item)

    def _enqueue(self, item: Item) -> None:
        if self.dropped:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped = True
            self.queue.get_nowait()  # room for the signal that ends it
            self.queue.put_nowait(Signal.TOO_SLOW)


class Hub:
    def __init__(
        self, *, sessionmaker: async_sessionmaker[AsyncSession], secret_key: str, queue_size: int = 1000
    ) -> None:
        self.sessionmaker = sessionmaker
        self.secret_key = secret_key
        self.queue_size = queue_size
        self.subscribers: set[Subscriber] = set()
        self._inbox: asyncio.Queue[Sequence[EventMessage]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        # Set by the app: executes a shared plan on an event (with loaders fresh for each call).
        self.render: Render | None = None
        self.token_cache: TokenCache = {}

    def register(
        self, *, authorization: str, event_filter: EventFilter, last_id: int = 0, plan: Plan | None = None
    ) -> Subscriber:
        subscriber = Subscriber(
            authorization, event_filter, asyncio.Queue(self.queue_size), last_id, plan=plan
        )
        self.subscribers.add(subscriber)
        return subscriber

    def unregister(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def deliver(self, events: Sequence[EventMessage]) -> None:
        """The bus's sink: called with each published batch, in order."""
        if self.subscribers:
            self._inbox.put_nowait(events)

    def resync(self) -> None:
        for subscriber in list(self.subscribers):
            subscriber.put(Signal.RESYNC)

    async def dispatch(self, events: Sequence[EventMessage]) -> int:
        """Hands `events` to the subscribers that asked for them and may read them; how many were handed."""
        wanted = {
            subscriber: matching
            for subscriber in list(self.subscribers)
            if (matching := [e for e in events if subscriber.wants(e)])
        }
        if not wanted:
            return 0
        async with self.sessionmaker() as session:
            actors = await authenticate_many(
                session=session,
                authorizations={s.authorization for s in wanted},
                secret_key=self.secret_key,
                token_cache=self.token_cache,
            )
        handed = 0
        rendered: dict[tuple[str, int], Rendered] = {}  # one execution per plan and event
        # Decided once per actor and event: the connections of one user share its actor (authenticate_many).
        visible: dict[tuple[int, int], bool] = {}
        for subscriber, matching in wanted.items():
            actor = actors.get(subscriber.authorization)
            if actor is None:
                subscriber.put(Signal.UNAUTHENTICATED)
                continue
            items: list[Item] = []
            for event in matching:
                seen = (id(actor), event.id)
                if seen not in visible:
                    visible[seen] = event_visible(actor, event)
                if not visible[seen]:
                    continue
                if subscriber.plan is None or self.render is None:
                    items.append(event)
                    continue
                key = (subscriber.plan.key, event.id)
                if key not in rendered:
                    rendered[key] = await self.rendered(subscriber.plan, event)
                items.append(rendered[key])
            handed += len(items)
            subscriber.put_all(items)  # a connection's events of the batch in one write
        return handed

    async def rendered(self, plan: Plan, event: EventMessage) -> Rendered:
        assert self.render is not None
        payload = await self.render(plan, event)
        return Rendered(event.id, payload, payload.encode())

    async def actor(self, authorization: str) -> Actor | None:
        """Who one subscriber is now (for its catch-up reads)."""
        async with self.sessionmaker() as session:
            found = await authenticate_many(
                session=session,
                authorizations={authorization},
                secret_key=self.secret_key,
                token_cache=self.token_cache,
            )
        return found.get(authorization)

    async def catch_up(self, subscriber: Subscriber) -> AsyncIterator[EventMessage]:
        """The stored events after the subscriber's last id that it may read now, page by page."""
        while True:
            actor = await self.actor(subscriber.authorization)
            if actor is None:
                raise Unauthenticated()
            async with self.sessionmaker() as session:
                rows = await events_after(
                    session=session,
                    actor=actor,
                    after=subscriber.last_id,
                    first=MAX_PAGE,
                    event_filter=subscriber.event_filter,
                )
            for row in rows:
                message = EventMessage.of(row)
                subscriber.last_id = message.id
                yield message
            if len(rows) < MAX_PAGE:
                return

    async def stream(
        self, subscriber: Subscriber, *, catch_up: bool
    ) -> AsyncIterator[EventMessage | Rendered]:
        """What the subscriber is owed: the catch-up first (when asked), then live events, each id once.
        Raises Unauthenticated when its credentials stop authenticating, SubscriberTooSlow on overflow."""
        if catch_up:
            async for message in self.catch_up(subscriber):
                yield message
        while True:
            subscriber.waiting = True
            try:
                item = await subscriber.queue.get()
            finally:
                subscriber.waiting = False
            if item is Signal.RESYNC:
                async for message in self.catch_up(subscriber):
                    yield message
            elif item is Signal.UNAUTHENTICATED:
                raise Unauthenticated()
            elif item is Signal.TOO_SLOW:
                raise SubscriberTooSlow(subscriber.last_id)
            elif isinstance(item, EventMessage | Rendered):
                event_id = item.id if isinstance(item, EventMessage) else item.event_id
                if event_id > subscriber.last_id:
                    subscriber.last_id = event_id
                    yield item

    async def run(self) -> None:
        while True:
            events = await self._inbox.get()
            if not self._inbox.empty():
                # Batches published while the last was delivered go together: one authentication, and one
                # write per connection for all of them (a burst's events), in id order all the same.
                events = list(events)
                while not self._inbox.empty():
                    events.extend(self._inbox.get_nowait())
            try:
                await self.dispatch(events)
            except Exception:
                # The database was unreachable, say: subscribers read these from the outbox instead.
                logger.exception("event hub: delivery failed; subscribers resync from the outbox")
                self.resync()
            if self._inbox.empty() and gc.get_count()[0] > GC_AFTER_DELIVERY:
                gc.collect(0)  # the young generation only: the rest was frozen at start-up

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="event-hub")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
