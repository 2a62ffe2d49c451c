"""Running a job: a document (render as the requester, convert, store, record the outcome), or a batch
(batches.py). The one job function, wherever it runs: the in-process runner, the arq worker, the CLI."""

import asyncio
import logging

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.jobs.batches import fail_batch, run_batch
from src.reports.jobs.common import MESSAGE_INTERRUPTED, JobFailed, Renderer, is_batch
from src.reports.jobs.exports import is_export, run_export
from src.reports.jobs.outcomes import claim, complete, fail, record_failure, render_docx, store_document
from src.reports.pdf import PdfConverter, PdfUnavailable
from src.reports.storage import Storage

logger = logging.getLogger(__name__)


async def _run_document(
    sessionmaker: async_sessionmaker[AsyncSession],
    renderer: Renderer,
    storage: Storage,
    pdf: PdfConverter,
    job: ReportJob,
) -> None:
    try:
        data, file_name = await render_docx(sessionmaker, renderer, job)
        if job.format == ReportFormat.PDF:
            try:
                converted = await pdf.convert({"document": data})
            except PdfUnavailable as exc:
                raise JobFailed(str(exc)) from exc
            if "document" not in converted.pdfs:
                raise JobFailed(converted.failed["document"])
            data = converted.pdfs["document"]
        await store_document(sessionmaker, storage, job, data, file_name)
    except asyncio.CancelledError:
        await asyncio.shield(fail(sessionmaker, job, MESSAGE_INTERRUPTED))
        raise
    except Exception as exc:
        await record_failure(sessionmaker, job, exc)


async def run_job(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    renderer: Renderer,
    storage: Storage,
    pdf: PdfConverter,
    job_id: int,
) -> None:
    """Runs one queued job to SUCCEEDED or FAILED; a job that is not queued is left alone. A batch's parent
    runs its children; a child handed over alone (by a process from before batches ran whole) runs its
    batch. Never raises for a failure of the job (it is recorded on the job); a cancellation marks the job
    FAILED and goes on."""
    async with sessionmaker() as session:
        parent_id = (await session.exec(select(ReportJob.parent_id).where(ReportJob.id == job_id))).first()
    if parent_id is not None:
        job_id = parent_id
    job = await claim(sessionmaker, job_id)
    if job is None:
        logger.info("report job %s is not queued; nothing to run", job_id)
        return
    if is_export(job):
        await run_export(sessionmaker, storage, job)
    elif is_batch(job):
        await run_batch(sessionmaker=sessionmaker, renderer=renderer, storage=storage, pdf=pdf, parent=job)
    else:
        await _run_document(sessionmaker, renderer, storage, pdf, job)


async def fail_job(sessionmaker: async_sessionmaker[AsyncSession], job_id: int, message: str) -> bool:
    """Ends a RUNNING job as FAILED with `message` (for a queue that gives up on a job whose worker died):
    a document counted on its batch's parent like any other outcome; a batch's parent with every child it
    has not finished. False if the job is not running."""
    async with sessionmaker() as session:
        job = await session.get(ReportJob, job_id)
    if job is None or job.status != ReportJobStatus.RUNNING:
        return False
    if is_batch(job):
        return await fail_batch(sessionmaker, job, message)
    return await complete(sessionmaker, job, {"status": ReportJobStatus.FAILED, "error": message})
