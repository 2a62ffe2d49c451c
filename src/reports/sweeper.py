"""The job sweeper of a process that uses the arq queue (REDIS_URL set): every server process and every
`fundperf worker` runs one, so queued documents are picked up after any Redis outage, even when every
worker was away for it.

Each round it first sends what this process's requests could not enqueue (ArqSubmitter.unsent), then, if
no other process swept within the last round (a lock in Redis, SET NX with an expiry), sweeps: documents
left RUNNING past their time limit are reclaimed and documents QUEUED past a grace are enqueued
(queue.sweep). While Redis is unreachable the rounds back off (one WARNING for the outage, src/redis_client);
the first round that reaches it again sends what waited, so nothing waits for the next scheduled round.
"""

import asyncio
import contextlib
import logging
import secrets
from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.redis_client import UNAVAILABLE, Outage
from src.reports.queue import QUEUED_GRACE, ArqSubmitter, sweep

logger = logging.getLogger(__name__)
LOCK_NAME = "fundperf:reports:sweep"
SWEEP_SECONDS = 30.0


class JobSweeper:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        submitter: ArqSubmitter,
        redis: Redis,
        time_limit: timedelta,
        every_seconds: float = SWEEP_SECONDS,
        queued_grace: timedelta = QUEUED_GRACE,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.submitter = submitter
        self.redis = redis
        self.time_limit = time_limit
        self.every_seconds = every_seconds
        self.queued_grace = queued_grace
        self.outage = Outage("report job sweeper", logger=logger)
        self._token = secrets.token_hex(8)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        submitter.on_unsent = self.wake

    def wake(self) -> None:
        """A submit failed: start backing off now rather than at the next scheduled round (during an
        outage the backoff decides, so requests cannot make the sweeper hammer Redis)."""
        if not self.outage.down:
            self._wake.set()

    async def _lock(self) -> bool:
        """True when this process may sweep now: nobody else swept within the last round (or we did)."""
        ttl_ms = int(self.every_seconds * 900)  # expires before the next round, whoever takes that one
        if await self.redis.set(LOCK_NAME, self._token, nx=True, px=ttl_ms):
            return True
        held_by = await self.redis.get(LOCK_NAME)
        return held_by is not None and held_by.decode() == self._token

    async def round(self) -> list[int]:
        """One round; the ids it enqueued. Raises (one of UNAVAILABLE) when Redis cannot be reached."""
        sent = await self.submitter.resend()
        if sent:
            logger.info("report jobs %s sent to the queue after Redis returned", sent)
        if not await self._lock():
            return sent
        swept = await sweep(
            sessionmaker=self.sessionmaker,
            submitter=self.submitter,
            queued_grace=self.queued_grace,
            time_limit=self.time_limit,
        )
        if swept:
            logger.info("sweeper enqueued report jobs %s", swept)
        return sorted({*sent, *swept})

    async def run(self) -> None:
        delay = 0.0  # a first round at once: what a stopped process left behind
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.round()
            except UNAVAILABLE as exc:
                delay = self.outage.failed(exc)
                continue
            except Exception:  # the database, most likely: the next round tries again
                logger.exception("report job sweeper: round failed")
            else:
                self.outage.recovered()
            delay = self.every_seconds

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="report-job-sweeper")

    async def aclose(self) -> None:
        """Stops the rounds and closes the Redis client it was given (it is the sweeper's own)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.redis.aclose()
