"""Handing report jobs to whatever runs them, once the transaction that wrote them has committed.

`JobSubmitter.submit(job_ids)` is the seam: `JobRunner` runs them in this process (the embedded mode, and
for now also when REDIS_URL is set); the arq queue will implement the same method by enqueueing
`run_job(job_id)` for its `fundperf worker` processes. Either way the job function is run_job.
"""

import asyncio
import logging
from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.reports.jobs import Renderer, run_job
from src.reports.pdf import PdfConverter
from src.reports.storage import Storage

logger = logging.getLogger(__name__)

# Documents rendered at once in one process (rendering takes a thread each; more would only queue there).
EMBEDDED_CONCURRENCY = 2
# On shutdown, running jobs get this long to finish before they are cancelled (and marked FAILED).
SHUTDOWN_GRACE_SECONDS = 20.0


class JobSubmitter(Protocol):
    async def submit(self, job_ids: list[int]) -> None:
        """Have these committed, QUEUED jobs run (a job already claimed is skipped by run_job)."""


class JobRunner:
    """Runs jobs as tasks of this process's event loop, at most `concurrency` at a time. It keeps a
    reference to every task until it ends (the loop keeps only weak ones), and `aclose` lets running jobs
    finish for a while, then cancels the rest. Jobs submitted while closing stay QUEUED."""

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        renderer: Renderer,
        storage: Storage,
        pdf: PdfConverter,
        concurrency: int = EMBEDDED_CONCURRENCY,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.renderer = renderer
        self.storage = storage
        self.pdf = pdf  # the process's LibreOffice calls, counted (pdf.calls)
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    async def submit(self, job_ids: list[int]) -> None:
        if self._closing:
            logger.warning("report jobs %s stay queued: the runner is shutting down", job_ids)
            return
        for job_id in job_ids:
            task = asyncio.create_task(self._run(job_id), name=f"report-job-{job_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, job_id: int) -> None:
        async with self._slots:
            try:
                await run_job(
                    sessionmaker=self.sessionmaker,
                    renderer=self.renderer,
                    storage=self.storage,
                    pdf=self.pdf,
                    job_id=job_id,
                )
            except Exception:  # run_job records failures itself; this is a failure to record one
                logger.exception("report job %s: the runner caught an error", job_id)

    @property
    def running(self) -> int:
        """Tasks submitted and not yet ended (running or waiting for a slot)."""
        return len(self._tasks)

    async def aclose(self, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        self._closing = True
        tasks = set(self._tasks)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
