"""Report jobs through arq on a real Redis and a real worker (burst mode, in this process): the request
is enqueued after commit, the worker renders it; Redis down at request time loses nothing; a job left
RUNNING by a worker that died runs again when arq retries it."""

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from arq import create_pool
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models.enums import ActorType
from src.models.report import ReportJob, ReportJobStatus
from src.redis_client import arq_redis_settings
from src.reports.queue import FUNCTION, ArqSubmitter, arq_job_id, sweep
from src.reports.worker import make_worker
from src.settings import Settings
from tests.conftest import make_settings
from tests.reports.test_jobs import MED, docx_text, goal_in, job_rows, request
from tests.schema.conftest import GraphQLClient

UNREACHABLE = "redis://127.0.0.1:1/0"


def worker_settings(tmp_path: Path, url: str) -> Settings:
    return make_settings(REDIS_URL=url, STORAGE_DIR=tmp_path / "storage")


@asynccontextmanager
async def client_for(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[GraphQLClient]:
    """A client of the app; its job submitter (a Redis pool) is closed afterwards, as its lifespan would."""
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            yield GraphQLClient(http, sessionmaker, settings)
    finally:
        await app.state.jobs.aclose()


BURST_DEADLINE_SECONDS = 120


async def run_worker(settings: Settings, engine: AsyncEngine) -> None:
    """A burst worker until the queue is empty; a run that never ends fails with every task's stack (what it
    waits on), not a hung suite."""
    worker = make_worker(settings, engine=engine, burst=True, handle_signals=False)
    try:
        async with asyncio.timeout(BURST_DEADLINE_SECONDS):
            await worker.async_run()
    except TimeoutError:
        stacks = io.StringIO()
        for task in asyncio.all_tasks():
            task.print_stack(file=stacks)
        async with Redis.from_url(str(settings.REDIS_URL)) as redis:
            keys = sorted(k.decode() for k in await redis.keys("arq:*"))
        pytest.fail(f"the burst worker did not end; arq keys {keys}; tasks:\n{stacks.getvalue()}")
    finally:
        await worker.close()


async def test_through_arq_the_worker_renders_the_requested_document(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    settings = worker_settings(tmp_path, redis_url)
    goal_id = await goal_in(sessionmaker, indicators=3)
    async with client_for(engine, sessionmaker, settings) as gql:
        await gql.login_as(ActorType.AGENCY, "510100", MED)
        result = await request(gql, goalId=str(goal_id))
        assert result["job"]["status"] == "QUEUED"  # the server does not render it: the worker does
        async with Redis.from_url(redis_url) as redis:
            assert await redis.zcard("arq:queue") == 1
        await run_worker(settings, engine)
        [job] = await job_rows(sessionmaker)
        assert job.status == ReportJobStatus.SUCCEEDED and job.attempts == 1, job.error
        response = await gql.http.get(f"/files/{job.id}")
        assert response.status_code == 200 and "指标3" in docx_text(response.content)


async def test_redis_down_at_request_time_loses_nothing(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    goal_id = await goal_in(sessionmaker, indicators=2)
    async with client_for(engine, sessionmaker, worker_settings(tmp_path, UNREACHABLE)) as gql:
        await gql.login_as(ActorType.AGENCY, "510100", MED)
        result = await request(gql, goalId=str(goal_id))
    assert result["__typename"] == "ReportRequestSuccess"  # the request is not Redis's to fail
    [job] = await job_rows(sessionmaker)
    assert job.status == ReportJobStatus.QUEUED

    # Redis is back: the sweeper enqueues what it missed, and the worker renders it.
    submitter = ArqSubmitter(redis_url)
    try:
        swept = await sweep(sessionmaker=sessionmaker, submitter=submitter, queued_grace=timedelta(0))
    finally:
        await submitter.aclose()
    assert swept == [job.id]
    await run_worker(worker_settings(tmp_path, redis_url), engine)
    [job] = await job_rows(sessionmaker)
    assert job.status == ReportJobStatus.SUCCEEDED


async def test_a_job_left_running_by_a_dead_worker_runs_again_when_arq_retries_it(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    settings = worker_settings(tmp_path, redis_url)
    goal_id = await goal_in(sessionmaker, indicators=2)
    async with client_for(engine, sessionmaker, worker_settings(tmp_path, UNREACHABLE)) as gql:
        await gql.login_as(ActorType.AGENCY, "510100", MED)
        await request(gql, goalId=str(goal_id))
    [job] = await job_rows(sessionmaker)
    async with sessionmaker() as session:  # what a worker killed mid-render leaves behind
        await session.exec(
            update(ReportJob)
            .where(col(ReportJob.id) == job.id)
            .values(status=ReportJobStatus.RUNNING, attempts=1)
        )
        await session.commit()
    arq = await create_pool(arq_redis_settings(redis_url))
    try:
        await arq.enqueue_job(FUNCTION, job.id, _job_id=arq_job_id(job.id or 0), _job_try=2)  # arq's retry
    finally:
        await arq.aclose()
    await run_worker(settings, engine)
    [job] = await job_rows(sessionmaker)
    assert job.status == ReportJobStatus.SUCCEEDED and job.attempts == 2
    files = [p for p in (tmp_path / "storage").rglob("*") if p.is_file()]
    assert len(files) == 1
