"""`fundperf worker`: the arq worker that renders report jobs (REDIS_URL set).

The job function is run_job, the same one the server runs in-process without Redis. The worker also notices
overdue deadlines, a cron job every DEADLINE_CHECK_MINUTES (src/services/deadlines/periodic.py; without
Redis the server does). A job runs for at most
REPORT_JOB_TIMEOUT_SECONDS (arq's job timeout). The sweeper (src/reports/sweeper.py, also in every server
process) enqueues jobs Redis missed and reclaims jobs abandoned by a killed worker, RUNNING for longer than
that. The worker outlives Redis outages (src/reports/resilient_worker.py).
"""

import logging
from datetime import timedelta
from typing import Any

from arq.worker import Worker, func
from sqlalchemy.ext.asyncio import AsyncEngine

from src.db import create_engine, create_sessionmaker
from src.events.runtime import create_events
from src.redis_client import arq_redis_settings, redis_client
from src.reports.jobs import run_job
from src.reports.pdf import PdfConverter
from src.reports.queue import FUNCTION, MAX_ATTEMPTS, ArqSubmitter, reclaim
from src.reports.render import Renderer
from src.reports.resilient_worker import ResilientWorker
from src.reports.storage import storage_from_settings
from src.reports.sweeper import JobSweeper
from src.services.deadlines.periodic import deadline_cron
from src.settings import Settings

logger = logging.getLogger(__name__)


async def render_report(ctx: dict[str, Any], job_id: int) -> None:
    if ctx.get("job_try", 1) > 1 and not await reclaim(ctx["sessionmaker"], job_id):
        return  # a retry of a job that is done, or gave up
    await run_job(
        sessionmaker=ctx["sessionmaker"],
        renderer=ctx["renderer"],
        storage=ctx["storage"],
        pdf=ctx["pdf"],
        job_id=job_id,
    )


REPORT_SLOTS = 4  # report jobs a worker renders at once


def make_worker(
    settings: Settings, *, engine: AsyncEngine | None = None, burst: bool = False, handle_signals: bool = True
) -> Worker:
    """The worker for `settings` (REDIS_URL required); tests pass their own engine. One renderer per process
    keeps templates warm."""
    if not settings.REDIS_URL:
        raise SystemExit("fundperf worker needs REDIS_URL (without it the server renders in-process)")
    url = settings.REDIS_URL
    time_limit = timedelta(seconds=settings.REPORT_JOB_TIMEOUT_SECONDS)

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["engine"] = engine or create_engine(settings.DATABASE_URL)
        ctx["sessionmaker"] = create_sessionmaker(ctx["engine"])
        ctx["renderer"] = Renderer()
        ctx["storage"] = storage_from_settings(settings)
        ctx["pdf"] = PdfConverter(chunk_size=settings.REPORT_BATCH_CHUNK_SIZE)  # one LibreOffice at a time
        ctx["submitter"] = ArqSubmitter(url)
        # ctx["redis"] is arq's own pool; the sweeper's lock has a client of its own.
        ctx["sweeper"] = JobSweeper(
            sessionmaker=ctx["sessionmaker"],
            submitter=ctx["submitter"],
            redis=redis_client(url),
            time_limit=time_limit,
        )
        if not burst:  # a burst run renders what is queued and stops; tests sweep when they mean to
            ctx["sweeper"].start()
        # The jobs' progress events: published through Redis to the servers' subscribers after each commit.
        ctx["events"] = create_events(settings, ctx["sessionmaker"], serving=False)
        await ctx["events"].start()

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["sweeper"].aclose()
        await ctx["events"].aclose()
        await ctx["submitter"].aclose()
        if engine is None:
            await ctx["engine"].dispose()

    # A burst run renders what is queued and stops: no periodic work.
    cron_jobs = [] if burst or not settings.DEADLINE_CHECK_MINUTES else [deadline_cron(settings)]
    return ResilientWorker(
        [func(render_report, name=FUNCTION, max_tries=MAX_ATTEMPTS)],
        cron_jobs=cron_jobs,
        redis_settings=arq_redis_settings(url),
        on_startup=startup,
        on_shutdown=shutdown,
        burst=burst,
        handle_signals=handle_signals,
        job_timeout=time_limit,
        keep_result=0,  # the database keeps the outcome; a re-enqueue of the same id must not be blocked
        poll_delay=settings.WORKER_POLL_SECONDS,
        # The periodic round (evaluating due periods, noticing deadlines: seconds at a national scale) has a
        # slot of its own, so report jobs never wait behind it.
        max_jobs=REPORT_SLOTS + len(cron_jobs),
    )
