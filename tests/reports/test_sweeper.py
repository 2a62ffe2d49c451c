"""The job sweeper of every process that uses the arq queue (issue 16): what a request could not enqueue
while Redis was away goes out with the first round that reaches Redis again, and the sweep itself runs in
one process per round, under a lock in Redis."""

from datetime import timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.models.enums import ActorType
from src.models.report import ReportJob
from src.redis_client import redis_client
from src.reports.queue import ArqSubmitter, arq_job_id
from src.reports.sweeper import JobSweeper
from tests.conftest import proxied_url
from tests.reports.test_jobs import goal_in, requested_job
from tests.reports.test_worker import UNREACHABLE, client_for, worker_settings
from tests.support.proxy import TcpProxy

QUEUE = "arq:queue"


def sweeper_for(
    sessionmaker: async_sessionmaker[AsyncSession], url: str, submitter: ArqSubmitter | None = None
) -> JobSweeper:
    return JobSweeper(
        sessionmaker=sessionmaker,
        submitter=submitter or ArqSubmitter(url),
        redis=redis_client(url),
        time_limit=timedelta(minutes=5),
    )


async def queued_jobs(redis: Redis) -> list[bytes]:
    return list(await redis.zrange(QUEUE, 0, -1))


async def test_what_a_request_could_not_enqueue_goes_out_when_redis_answers_again(
    sessionmaker: async_sessionmaker[AsyncSession],
    redis_proxy: TcpProxy,
    redis_url: str,
) -> None:
    sweeper = sweeper_for(sessionmaker, proxied_url(redis_proxy))
    woken: list[bool] = []
    sweeper.wake = lambda: woken.append(True)  # type: ignore[method-assign]
    sweeper.submitter.on_unsent = sweeper.wake
    try:
        redis_proxy.cut()
        await sweeper.submitter.submit([7, 8])  # what a request does after its commit: never raises
        assert sweeper.submitter.unsent == {7, 8} and woken == [True]
        with pytest.raises(RedisConnectionError):
            await sweeper.round()
        assert sweeper.submitter.unsent == {7, 8}

        redis_proxy.restore()
        assert await sweeper.round() == [7, 8]
        assert sweeper.submitter.unsent == set()
        async with Redis.from_url(redis_url) as redis:
            assert sorted(await queued_jobs(redis)) == [arq_job_id(7).encode(), arq_job_id(8).encode()]
    finally:
        await sweeper.submitter.aclose()
        await sweeper.aclose()


async def test_one_process_sweeps_per_round(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    goal_id = await goal_in(sessionmaker)
    async with client_for(engine, sessionmaker, worker_settings(tmp_path, UNREACHABLE)) as gql:
        await gql.login_as(ActorType.FINANCE, "510100")
        job_id = int(await requested_job(gql, goalId=str(goal_id)))
    async with sessionmaker() as session:  # requested a minute ago, while Redis was away
        await session.exec(
            update(ReportJob)
            .where(col(ReportJob.id) == job_id)
            .values(created_at=utcnow() - timedelta(minutes=1))
        )
        await session.commit()

    first, second = sweeper_for(sessionmaker, redis_url), sweeper_for(sessionmaker, redis_url)
    try:
        assert await first.round() == [job_id]
        assert await second.round() == []  # the other process swept this round
        assert await first.round() == [job_id]  # the holder of the round may sweep again (after a failure)
    finally:
        for sweeper in (first, second):
            await sweeper.submitter.aclose()
            await sweeper.aclose()
