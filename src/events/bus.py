"""Where published events go: to this process's hub directly, or through Redis pub/sub to every server
process's hub. The relay publishes; each server process's hub listens.

Redis pub/sub keeps nothing for a listener that was away: after a reconnect the hub is told to resync, and
each subscriber reads what it missed from the outbox (hub.py).
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from redis.asyncio import Redis

from src.events.message import EventMessage
from src.redis_client import UNAVAILABLE, Outage, redis_client

logger = logging.getLogger(__name__)
CHANNEL = "fundperf:events:db{db}"  # pub/sub ignores database numbers: the URL's database names the channel

Sink = Callable[[Sequence[EventMessage]], None]


class Bus(Protocol):
    async def publish(self, events: Sequence[EventMessage]) -> None: ...
    async def listen(self, sink: Sink, resync: Callable[[], None]) -> None: ...
    async def aclose(self) -> None: ...


class LocalBus:
    """One process: what the relay publishes goes straight to the sinks listening here."""

    def __init__(self) -> None:
        self._sinks: list[Sink] = []

    async def publish(self, events: Sequence[EventMessage]) -> None:
        for sink in self._sinks:
            sink(events)

    async def listen(self, sink: Sink, resync: Callable[[], None]) -> None:
        self._sinks.append(sink)

    async def aclose(self) -> None:
        self._sinks.clear()


class RedisBus:
    """Across processes: one message per published batch (a JSON list) on one channel."""

    def __init__(self, url: str) -> None:
        self.redis: Redis = redis_client(url)
        # A listener waits for messages as long as there are none: no read timeout on its connection.
        self._listening: Redis = redis_client(url, command_timeout=None)
        self.channel = CHANNEL.format(db=self.redis.connection_pool.connection_kwargs.get("db", 0))
        self.outage = Outage("event bus listener (subscribers catch up from the outbox)", logger=logger)
        self._listener: asyncio.Task[None] | None = None

    async def publish(self, events: Sequence[EventMessage]) -> None:
        await self.redis.publish(self.channel, "[" + ",".join(e.to_json() for e in events) + "]")

    async def listen(self, sink: Sink, resync: Callable[[], None]) -> None:
        ready = asyncio.Event()
        self._listener = asyncio.create_task(self._listen(sink, resync, ready), name="event-bus-listener")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):  # start listening before serving; Redis down: later, in the loop
                await ready.wait()

    async def _listen(self, sink: Sink, resync: Callable[[], None], ready: asyncio.Event) -> None:
        first = True
        while True:
            try:
                async with self._listening.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    ready.set()
                    self.outage.recovered()
                    if not first:
                        resync()
                    first = False
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            sink([EventMessage.from_dict(e) for e in json.loads(message["data"])])
            except UNAVAILABLE as exc:
                first = False
                await asyncio.sleep(self.outage.failed(exc))

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self.redis.aclose()
        await self._listening.aclose()
