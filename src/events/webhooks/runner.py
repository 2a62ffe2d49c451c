"""Running the dispatcher beside the server (embedded mode) or in `fundperf worker` (with Redis):

    webhooks = start_webhook_dispatcher(sessionmaker=sessionmaker, settings=settings)
    ...
    await webhooks.aclose()  # before the engine is disposed

Several processes may each run one: a hook's lease lets only one of them deliver it at a time.
"""

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.webhooks.dispatcher import WebhookDispatcher
from src.settings import Settings

logger = logging.getLogger(__name__)

# On shutdown, an attempt under way gets its timeout and this long to finish before it is cancelled.
SHUTDOWN_GRACE_SECONDS = 5.0


@dataclass
class RunningDispatcher:
    dispatcher: WebhookDispatcher
    stop: asyncio.Event
    task: "asyncio.Task[None]"

    def wake(self) -> None:
        self.dispatcher.wake()

    async def aclose(self) -> None:
        """Stops the loop (an attempt under way may finish) and closes its HTTP client."""
        self.stop.set()
        _, pending = await asyncio.wait({self.task}, timeout=self.dispatcher.timeout + SHUTDOWN_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.dispatcher.aclose()


def start_webhook_dispatcher(
    *, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> RunningDispatcher:
    """A dispatcher delivering webhooks as a task of the running event loop."""
    dispatcher = WebhookDispatcher(sessionmaker=sessionmaker, settings=settings)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop), name="webhook-dispatcher")
    return RunningDispatcher(dispatcher, stop, task)
