"""The event machinery of one process: the bus, the relay that publishes to it, the hub that delivers,
and the webhook dispatcher.

With REDIS_URL: a Redis bus (every server process hears every event) and a relay lock in Redis, and the
webhooks go out from `fundperf worker`; without, everything in this process. A worker runs no hub (its
events are heard by the servers' hubs).
"""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.bus import Bus, LocalBus, RedisBus
from src.events.hub import Hub
from src.events.relay import Relay, attach_relay
from src.events.webhooks.runner import RunningDispatcher, start_webhook_dispatcher
from src.settings import Settings


@dataclass
class Events:
    bus: Bus
    relay: Relay
    hub: Hub | None
    settings: Settings
    deliver_webhooks: bool
    webhooks: RunningDispatcher | None = None

    async def start(self) -> None:
        if self.hub is not None:
            await self.bus.listen(self.hub.deliver, self.hub.resync)
            self.hub.start()
        if self.deliver_webhooks:
            self.webhooks = start_webhook_dispatcher(
                sessionmaker=self.relay.sessionmaker, settings=self.settings
            )
            self.relay.on_published = self.webhooks.wake
        self.relay.start()
        self.relay.wake()  # what a stopped process left unpublished goes now

    async def aclose(self) -> None:
        if self.webhooks is not None:
            await self.webhooks.aclose()
        await self.relay.aclose()
        if self.hub is not None:
            await self.hub.aclose()
        await self.bus.aclose()


def create_events(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], *, serving: bool = True
) -> Events:
    """The process's events; `serving`: it has subscribers (a server), not only writers (the worker)."""
    bus: Bus = RedisBus(settings.REDIS_URL) if settings.REDIS_URL else LocalBus()
    relay = Relay(
        sessionmaker=sessionmaker,
        bus=bus,
        redis_url=settings.REDIS_URL,
        poll_seconds=settings.EVENT_RELAY_POLL_SECONDS,
    )
    attach_relay(sessionmaker, relay)
    hub = (
        Hub(sessionmaker=sessionmaker, secret_key=settings.SECRET_KEY, queue_size=settings.WS_QUEUE_SIZE)
        if serving
        else None
    )
    # Webhooks go out from one kind of process: the worker when there is one, else the server.
    webhooks = not serving or not settings.REDIS_URL
    return Events(bus=bus, relay=relay, hub=hub, settings=settings, deliver_webhooks=webhooks)
