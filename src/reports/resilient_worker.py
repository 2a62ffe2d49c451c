"""arq's Worker, staying up while Redis comes and goes.

arq ends its main loop, and with it the process, at the first Redis command that fails: a two-second blip
stopped every `fundperf worker`. Here a failed poll is an outage (one WARNING for it, src/redis_client):
the loop waits with capped exponential backoff and polls again; connecting at start-up waits the same way.

A job whose arq bookkeeping failed in the outage (its start, or its finish after the document was done)
keeps arq's in-progress key, so no worker would take it again until that key expired (the job timeout
+ 10 s). Once Redis answers, this worker deletes those keys: the job is taken again at once, and run_job,
which the database decides (claiming a QUEUED job), renders what was not rendered and nothing twice.
"""

import asyncio
import contextlib
import logging
import signal

from arq import create_pool
from arq.constants import in_progress_key_prefix
from arq.worker import Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import WatchError

from src.redis_client import UNAVAILABLE, Outage

logger = logging.getLogger(__name__)
# What starting a job may fail with while Redis is away (WatchError: see start_jobs).
START_FAILURES: tuple[type[Exception], ...] = (*UNAVAILABLE, WatchError)


class ResilientWorker(Worker):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.outage = Outage("report worker", logger=logger)
        self._stranded: set[str] = set()

    async def main(self) -> None:
        while self._pool is None:
            try:
                self._pool = await create_pool(
                    self.redis_settings,
                    job_deserializer=self.job_deserializer,
                    job_serializer=self.job_serializer,
                    default_queue_name=self.queue_name,
                    expires_extra_ms=self.expires_extra_ms,
                )
            except UNAVAILABLE as exc:
                await asyncio.sleep(self.outage.failed(exc))
        self.outage.recovered()
        await super().main()

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
            if self._stranded:
                await self._release_stranded()
        except UNAVAILABLE as exc:
            await asyncio.sleep(self.outage.failed(exc))
            return
        self.outage.recovered()

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # arq counts a job as started (a slot of max_jobs taken) before it asks Redis whether it may start
        # it; a failure there would keep the slot for good. One at a time, so a failure gives it back.
        for job_id in job_ids:
            if self.job_counter >= self.max_jobs:
                return
            before = self.tasks.get(job_id.decode())
            try:
                await super().start_jobs([job_id])
            except START_FAILURES as exc:
                if self.tasks.get(job_id.decode()) is before:  # no task was made: the slot is still taken
                    self._release_sem_dec_counter_on_complete()
                if isinstance(exc, WatchError):
                    # arq catches the WatchError of a job taken by another worker meanwhile; one that gets
                    # here is redis-py's word for a connection lost between WATCH and the next command.
                    raise RedisConnectionError(str(exc)) from exc
                raise

    async def run_job(self, job_id: str, score: int) -> None:
        try:
            await super().run_job(job_id, score)
        except UNAVAILABLE as exc:
            # Not raised on: arq would raise it again from the poll that collects the task, perhaps after
            # Redis is back. The polls notice the outage themselves.
            self._stranded.add(job_id)
            self.outage.failed(exc)

    async def close(self) -> None:
        """arq's close, except that Redis being away does not skip the shutdown (the database engine, the
        events' relay)."""
        if not self._handle_signals:
            self.handle_sig(signal.SIGUSR1)
        if not self._pool:
            return
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        with contextlib.suppress(*UNAVAILABLE):
            await self.pool.delete(self.health_check_key)
        if self.on_shutdown:
            await self.on_shutdown(self.ctx)
        with contextlib.suppress(*UNAVAILABLE):
            await self.pool.aclose(close_connection_pool=True)
        self._pool = None

    async def _release_stranded(self) -> None:
        stranded = sorted(self._stranded)
        await self.pool.delete(*(in_progress_key_prefix + job_id for job_id in stranded))
        self._stranded.difference_update(stranded)
        logger.info("report worker: jobs %s left by the Redis outage can be taken again", stranded)
