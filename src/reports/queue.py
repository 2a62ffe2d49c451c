"""Report jobs through arq on Redis (REDIS_URL set): enqueueing, and the sweeper that loses nothing.

- `ArqSubmitter.submit` enqueues `render_report(job_id)` with `_job_id = "report-<id>"`, so a job is in
  the queue at most once. Redis down at that moment is not the request's failure: the job stays QUEUED in
  the database (the source of truth), the submitter keeps its id, and the process's sweeper
  (src/reports/sweeper.py) sends it as soon as Redis answers again; `sweep` finds it too.
- A worker killed mid-job (kill -9) leaves its job RUNNING; arq runs the job again when its lease expires
  (the job timeout + 10 s after it started), and `reclaim` (called by the retry) puts it back to QUEUED so
  run_job takes it. A job RUNNING longer than its time limit (REPORT_JOB_TIMEOUT_SECONDS, arq's job
  timeout too) is treated the same by `sweep`: queued again and enqueued, or FAILED after the last attempt.
- What is queued is a document, or a batch's parent, which runs its children itself (jobs/batches.py): a
  child is never enqueued. Reclaiming a batch queues again the children its dead run left RUNNING (each
  FAILED instead once it has had its last attempt: a document that kills its worker fails alone); the
  children done stay done, so the next run goes on from there and renders nothing twice.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from arq import create_pool
from arq.connections import ArqRedis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models.base import utcnow
from src.models.report import ReportJob, ReportJobStatus
from src.redis_client import UNAVAILABLE, Outage, arq_redis_settings
from src.reports.jobs import fail_job, is_batch
from src.reports.jobs.outcomes import announce, count_on_parent

logger = logging.getLogger(__name__)

FUNCTION = "render_report"
MAX_ATTEMPTS = 3
JOB_TIME_LIMIT = timedelta(minutes=5)  # the default of REPORT_JOB_TIMEOUT_SECONDS (src/settings.py)
QUEUED_GRACE = timedelta(seconds=30)  # a QUEUED job older than this was probably never enqueued
MESSAGE_GAVE_UP = f"生成失败：已尝试 {MAX_ATTEMPTS} 次（进程中断或超时），请稍后重新申请"


def arq_job_id(job_id: int) -> str:
    return f"report-{job_id}"


class ArqSubmitter:
    """JobSubmitter for the arq queue. One Redis pool per process, opened on first use.

    `submit` (after a request commits) never fails for Redis: what it could not send is kept in `unsent`
    and `on_unsent` is told, so the sweeper sends it once Redis answers. `enqueue` raises instead."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: ArqRedis | None = None
        self.unsent: set[int] = set()
        self.on_unsent: Callable[[], None] | None = None
        self.outage = Outage("report queue", logger=logger)

    async def _redis(self) -> ArqRedis:
        if self._pool is None:
            self._pool = await create_pool(arq_redis_settings(self.url))
        return self._pool

    async def enqueue(self, job_ids: list[int]) -> None:
        """Puts the jobs on the queue; raises (one of UNAVAILABLE) when Redis cannot be reached."""
        try:
            redis = await self._redis()
            for job_id in job_ids:
                await redis.enqueue_job(FUNCTION, job_id, _job_id=arq_job_id(job_id))
        except UNAVAILABLE as exc:
            self.outage.failed(exc)  # the pool's connections are made again once Redis answers
            raise
        self.outage.recovered()
        self.unsent.difference_update(job_ids)

    async def submit(self, job_ids: list[int]) -> None:
        try:
            await self.enqueue(job_ids)
        except UNAVAILABLE:
            # Nothing is lost: the jobs are QUEUED in the database; the sweeper sends them once Redis answers.
            logger.info("report jobs %s stay queued until Redis answers", job_ids)
            self.unsent.update(job_ids)
            if self.on_unsent is not None:
                self.on_unsent()

    async def resend(self) -> list[int]:
        """Enqueues what `submit` could not send (raises while Redis is unreachable); the ids sent."""
        job_ids = sorted(self.unsent)
        if job_ids:
            await self.enqueue(job_ids)
        return job_ids

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


async def reclaim(sessionmaker: async_sessionmaker[AsyncSession], job_id: int) -> bool:
    """A job left RUNNING by a worker that died (arq's retry of it, or the sweep): back to QUEUED so that
    run_job takes it, or FAILED after the last attempt (jobs.fail_job). A batch's parent takes back with it
    the children its run left RUNNING. True when the job can run again."""
    async with sessionmaker() as session:
        job = await session.get(ReportJob, job_id)
    if job is None or job.status != ReportJobStatus.RUNNING:
        return job is not None and job.status == ReportJobStatus.QUEUED
    if job.attempts >= MAX_ATTEMPTS:
        if await fail_job(sessionmaker, job_id, MESSAGE_GAVE_UP):
            logger.info("report job %s was abandoned while running: failed", job_id)
        return False
    async with session_scope(sessionmaker) as session:
        queued = await session.exec(
            update(ReportJob)
            .where(
                col(ReportJob.id) == job_id,
                col(ReportJob.status) == ReportJobStatus.RUNNING,
                col(ReportJob.row_version) == job.row_version,
            )
            .values(
                status=ReportJobStatus.QUEUED,
                error=None,
                finished_at=None,
                updated_at=utcnow(),
                row_version=job.row_version + 1,
            )
        )
        if queued.rowcount != 1:
            return (
                False  # it changed meanwhile (finished, or reclaimed by another): whoever changed it runs it
            )
        if is_batch(job):
            await _reclaim_children(session, job_id)
        await announce(session, job_id)
    logger.info("report job %s was abandoned while running: queued", job_id)
    return True


async def _reclaim_children(session: AsyncSession, parent_id: int) -> None:
    """The batch's children left RUNNING: QUEUED again, or FAILED after their last attempt (counted)."""
    stmt = select(ReportJob).where(
        ReportJob.parent_id == parent_id, ReportJob.status == ReportJobStatus.RUNNING
    )
    gave_up = 0
    now = utcnow()
    for child in (await session.exec(stmt)).all():
        last = child.attempts >= MAX_ATTEMPTS
        values = (
            {"status": ReportJobStatus.FAILED, "error": MESSAGE_GAVE_UP, "finished_at": now,
             "progress_done": ReportJob.progress_total}
            if last
            else {"status": ReportJobStatus.QUEUED, "error": None, "finished_at": None}
        )  # fmt: skip
        await session.exec(
            update(ReportJob)
            .where(col(ReportJob.id) == child.id)
            .values(**values, updated_at=now, row_version=ReportJob.row_version + 1)
        )
        assert child.id is not None
        await announce(session, child.id)
        gave_up += last
    if gave_up:
        await count_on_parent(session, parent_id, gave_up)


async def sweep(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    submitter: ArqSubmitter,
    queued_grace: timedelta = QUEUED_GRACE,
    time_limit: timedelta = JOB_TIME_LIMIT,
) -> list[int]:
    """Reclaim the jobs (documents, batches) RUNNING for longer than `time_limit` (their worker died:
    queued again, or FAILED after the last attempt) and enqueue those, with the jobs QUEUED for longer than
    `queued_grace` (Redis was down when they were requested). Returns the ids enqueued; raises when Redis
    cannot be reached (what was reclaimed is QUEUED in the database, and the next sweep enqueues it)."""
    now = utcnow()
    async with sessionmaker() as session:
        stale = (
            await session.exec(
                select(ReportJob.id).where(
                    col(ReportJob.status) == ReportJobStatus.RUNNING,
                    col(ReportJob.started_at) < now - time_limit,
                    col(ReportJob.parent_id).is_(None),  # a batch's children are its parent's to run
                )
            )
        ).all()
    reclaimed = [job_id for job_id in stale if job_id is not None and await reclaim(sessionmaker, job_id)]
    queued = await queued_jobs(sessionmaker, older_than=queued_grace)
    # A reclaimed job is enqueued now, not a grace later; one arq still holds (its lease) is not doubled.
    enqueue = sorted({*reclaimed, *queued})
    if enqueue:
        await submitter.enqueue(enqueue)
    return enqueue


async def queued_jobs(
    sessionmaker: async_sessionmaker[AsyncSession], *, older_than: timedelta = timedelta(0)
) -> list[int]:
    """Jobs a runner is given (documents and batches' parents, not their children) QUEUED for longer than
    `older_than`, oldest first."""
    async with sessionmaker() as session:
        stmt = (
            select(ReportJob.id)
            .where(
                col(ReportJob.status) == ReportJobStatus.QUEUED,
                col(ReportJob.parent_id).is_(None),  # a batch's children run with their parent
                col(ReportJob.created_at) < utcnow() - older_than,
            )
            .order_by(col(ReportJob.id))
        )
        return [job_id for job_id in (await session.exec(stmt)).all() if job_id is not None]
