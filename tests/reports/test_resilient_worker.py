"""The report worker through Redis outages (issue 16), with a real Redis behind a proxy the tests cut: the
worker stays up and logs the outage once, a job requested during it is rendered after it without any
restart, a slot arq took for a job it could not start is given back, and a job whose arq bookkeeping failed
is taken again at once when Redis returns."""

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq import create_pool
from arq.constants import in_progress_key_prefix
from arq.worker import Worker, func
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models.enums import ActorType
from src.models.report import ReportJobStatus
from src.redis_client import arq_redis_settings
from src.reports.resilient_worker import ResilientWorker
from src.reports.worker import make_worker
from src.settings import Settings
from tests.conftest import proxied_url
from tests.reports.test_jobs import MED, goal_in, job_rows, requested_job
from tests.reports.test_worker import worker_settings
from tests.schema.conftest import GraphQLClient
from tests.support.proxy import TcpProxy

DEADLINE_SECONDS = 30
WORKER_LOGGER = "src.reports.resilient_worker"


@asynccontextmanager
async def serving(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[GraphQLClient]:
    """A client of the app with its lifespan running (the relay, and with Redis the job sweeper)."""
    app = create_app(settings, engine=engine)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield GraphQLClient(http, sessionmaker, settings)


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[asyncio.Task[None]]:
    """The worker's main loop as a task while the block runs; closed as `fundperf worker` closes it."""
    task = asyncio.create_task(worker.async_run())
    try:
        yield task
    finally:
        await worker.close()
        await asyncio.gather(task, return_exceptions=True)


async def until(condition: Callable[[], bool | Awaitable[bool]], seconds: float = DEADLINE_SECONDS) -> None:
    """Polls `condition` (plain or async) until it holds; fails after `seconds`."""
    async with asyncio.timeout(seconds):
        while True:
            held = condition()
            if await held if inspect.isawaitable(held) else held:
                return
            await asyncio.sleep(0.05)  # a poll interval, not a wait for the outcome


def warned(caplog: pytest.LogCaptureFixture) -> bool:
    return any(r.levelname == "WARNING" and r.name == WORKER_LOGGER for r in caplog.records)


def outage_records(caplog: pytest.LogCaptureFixture, logger: str) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == logger]


async def test_the_worker_outlives_an_outage_and_renders_what_was_requested_during_it(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_proxy: TcpProxy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    settings = worker_settings(tmp_path, proxied_url(redis_proxy))
    before, during = await goal_in(sessionmaker, indicators=2), await goal_in(sessionmaker, "510104")

    async def succeeded(job_id: int) -> bool:
        return [j.status for j in await job_rows(sessionmaker) if j.id == job_id] == [
            ReportJobStatus.SUCCEEDED
        ]

    worker = make_worker(settings, engine=engine, handle_signals=False)
    async with serving(engine, sessionmaker, settings) as gql, running(worker) as loop:
        await gql.login_as(ActorType.AGENCY, "510100", MED)
        first = int(await requested_job(gql, goalId=str(before)))
        await until(lambda: succeeded(first))

        redis_proxy.cut()
        second = int(await requested_job(gql, goalId=str(during)))  # enqueueing fails: kept, not lost
        await until(lambda: warned(caplog))
        await asyncio.sleep(1)  # polls keep failing meanwhile: still one warning
        assert not loop.done()
        [job] = [j for j in await job_rows(sessionmaker) if j.id == second]
        assert job.status == ReportJobStatus.QUEUED

        redis_proxy.restore()
        await until(lambda: succeeded(second))
        assert not loop.done()  # the same worker, never restarted
    jobs = await job_rows(sessionmaker)
    assert [(j.status, j.attempts) for j in jobs] == [(ReportJobStatus.SUCCEEDED, 1)] * 2

    worker_log = outage_records(caplog, WORKER_LOGGER)
    warnings = [m for level, m in worker_log if level == "WARNING"]
    assert len(warnings) == 1 and "report worker: Redis is unreachable" in warnings[0], worker_log
    assert any(level == "INFO" and "reachable again" in m for level, m in worker_log), worker_log
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_slot_taken_for_a_job_that_could_not_start_is_given_back(redis_proxy: TcpProxy) -> None:
    """arq counts a job before asking Redis whether it may start it: without giving the slot back, each
    failure there would leave the worker one job fewer, until it took none at all."""

    async def nothing(ctx: dict[str, Any]) -> None:
        return None

    worker = ResilientWorker(
        [func(nothing, name="nothing")],
        redis_settings=arq_redis_settings(proxied_url(redis_proxy)),
        handle_signals=False,
        max_jobs=2,
    )
    worker._pool = await create_pool(arq_redis_settings(proxied_url(redis_proxy)))
    try:
        redis_proxy.cut()
        for _ in range(3):
            with pytest.raises(RedisConnectionError):
                await worker.start_jobs([b"job-1", b"job-2"])
        assert worker.job_counter == 0 and worker.tasks == {}
        assert worker.sem._value == 3  # max_jobs + 1, as arq makes it
    finally:
        redis_proxy.restore()
        await worker.pool.aclose()


async def test_a_job_whose_finish_was_lost_in_an_outage_is_taken_again_at_once(
    redis_proxy: TcpProxy, redis_url: str
) -> None:
    """The job's function ran, Redis went away before arq recorded the finish: arq's in-progress key would
    hold the job for the job timeout (here an hour); the worker releases it as soon as Redis answers, the
    job runs again (run_job, deciding by the database, then does nothing twice) and leaves the queue."""
    runs: list[int] = []

    async def cut_on_first_run(ctx: dict[str, Any]) -> None:
        runs.append(ctx["job_try"])
        if len(runs) == 1:
            await asyncio.to_thread(redis_proxy.cut)
            asyncio.get_running_loop().call_later(1.0, redis_proxy.restore)

    settings = arq_redis_settings(proxied_url(redis_proxy))
    worker = ResilientWorker(
        [func(cut_on_first_run, name="job")],
        redis_settings=settings,
        handle_signals=False,
        poll_delay=0.05,
        job_timeout=3600,
        keep_result=0,
    )
    arq = await create_pool(arq_redis_settings(redis_url))
    try:
        await arq.enqueue_job("job", _job_id="the-job")
        async with running(worker):

            async def gone() -> bool:
                return len(runs) == 2 and not await arq.exists(in_progress_key_prefix + "the-job")

            await until(gone)
            assert await arq.zcard("arq:queue") == 0
    finally:
        await arq.aclose()
    assert runs == [1, 2]


async def test_the_worker_waits_for_redis_at_start(
    redis_proxy: TcpProxy, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    runs: list[str] = []

    async def record(ctx: dict[str, Any]) -> None:
        runs.append(ctx["job_id"])

    redis_proxy.cut()
    worker = ResilientWorker(
        [func(record, name="record")],
        redis_settings=arq_redis_settings(proxied_url(redis_proxy)),
        handle_signals=False,
        poll_delay=0.05,
    )
    async with Redis.from_url(redis_url) as redis:
        arq = await create_pool(arq_redis_settings(redis_url))
        await arq.enqueue_job("record", _job_id="waiting")
        await arq.aclose()
        async with running(worker) as loop:
            await until(lambda: warned(caplog))
            assert not loop.done()
            redis_proxy.restore()
            await until(lambda: runs == ["waiting"])
        assert await redis.zcard("arq:queue") == 0


async def test_a_connection_lost_while_watching_a_job_is_an_outage_too(
    redis_proxy: TcpProxy, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """arq starts a job with WATCH, then EXISTS; redis-py reports a connection lost between the two as a
    WatchError, not a ConnectionError. It is an outage like any other: the worker stays up (it used to end
    its loop there) and runs the job once Redis answers."""
    caplog.set_level(logging.INFO)
    runs: list[str] = []

    async def record(ctx: dict[str, Any]) -> None:
        runs.append(ctx["job_id"])

    redis_proxy.cut_on(b"EXISTS")
    worker = ResilientWorker(
        [func(record, name="record")],
        redis_settings=arq_redis_settings(proxied_url(redis_proxy)),
        handle_signals=False,
        poll_delay=0.05,
    )
    arq = await create_pool(arq_redis_settings(redis_url))
    try:
        async with running(worker) as loop:
            await arq.enqueue_job("record", _job_id="watched")
            await until(lambda: warned(caplog))
            assert not loop.done()
            redis_proxy.restore()
            await until(lambda: runs == ["watched"])
            assert not loop.done()
        assert worker.job_counter == 0
    finally:
        await arq.aclose()
