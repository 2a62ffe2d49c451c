"""Running a batch: its parent is the one job a runner or the queue is given; it renders its children a
chunk at a time (PdfConverter.chunk_size documents: each chunk's PDFs in one soffice call), then stores the
batch's archive (archive.py) as the parent's file and ends it.

Each child keeps its own status: a document that cannot be built, rendered or converted fails alone, and
its chunk's others go on. Every step is recorded as it happens, so a run that stops (a worker killed, arq
trying the job again) goes on from where it was: children done stay done and are not rendered again,
children it left RUNNING are queued again by queue.reclaim. A cancellation (shutdown, the job's time
limit) fails what is left, as for a document.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models import FundType, Region
from src.models.base import utcnow
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.jobs.archive import ArchiveEntry, build_archive
from src.reports.jobs.chunks import Rendered, claim_queued_children, render_many, store_many
from src.reports.jobs.common import MESSAGE_INTERNAL, MESSAGE_INTERRUPTED, UNFINISHED, Renderer
from src.reports.jobs.outcomes import announce, count_on_parent, fail, record_failure, safe_file_name, store
from src.reports.kinds import kind_label
from src.reports.pdf import Converted, PdfConverter, PdfUnavailable
from src.reports.storage import Storage, StoredFileMissing

logger = logging.getLogger(__name__)


def failed_message(failed: int) -> str:
    return f"{failed} 份文档未能生成，详见各子任务"


async def _run_chunk(
    sessionmaker: async_sessionmaker[AsyncSession],
    renderer: Renderer,
    storage: Storage,
    pdf: PdfConverter,
    children: Sequence[ReportJob],
    fmt: ReportFormat,
) -> None:
    """Renders the claimed children, converts those rendered in one soffice call (PDF), stores them."""
    rendered: dict[str, Rendered] = {}
    outcomes = await render_many(sessionmaker, renderer, children)
    for child in children:
        outcome = outcomes[child.id or 0]
        if isinstance(outcome, Exception):
            await record_failure(sessionmaker, child, outcome)
            continue
        rendered[f"job-{child.id}"] = outcome
    if fmt == ReportFormat.PDF and rendered:
        try:
            converted = await pdf.convert({name: r.data for name, r in rendered.items()})
        except PdfUnavailable as exc:
            converted = Converted(failed={name: str(exc) for name in rendered})
        for name, document in list(rendered.items()):
            if name not in converted.pdfs:
                logger.info("report job %s failed: %s", document.job.id, converted.failed[name])
                await fail(sessionmaker, document.job, converted.failed[name])
                del rendered[name]
            else:
                rendered[name] = replace(document, data=converted.pdfs[name])
    await store_many(sessionmaker, storage, list(rendered.values()))


async def run_batch(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    renderer: Renderer,
    storage: Storage,
    pdf: PdfConverter,
    parent: ReportJob,
) -> None:
    """Runs a claimed (RUNNING) batch to its end. Never raises for a failure (recorded on the jobs); a
    cancellation fails the children left and the batch, and goes on."""
    assert parent.id is not None
    try:
        while (chunk := await claim_queued_children(sessionmaker, parent.id, pdf.chunk_size)) is not None:
            await _run_chunk(sessionmaker, renderer, storage, pdf, chunk, parent.format)
        await finish_batch(sessionmaker, storage, parent)
    except asyncio.CancelledError:
        await asyncio.shield(fail_batch(sessionmaker, parent, MESSAGE_INTERRUPTED))
        raise
    except Exception:
        logger.exception("report batch %s failed unexpectedly", parent.id)
        await fail_batch(sessionmaker, parent, MESSAGE_INTERNAL)


async def _entries(
    session: AsyncSession, storage: Storage, children: Sequence[ReportJob]
) -> list[ArchiveEntry]:
    region_ids = {c.region_id for c in children if c.region_id is not None}
    regions = {r.id: r for r in (await session.exec(select(Region).where(col(Region.id).in_(region_ids))))}
    entries = []
    for child in children:
        region = regions.get(child.region_id)
        data = None
        if child.status == ReportJobStatus.SUCCEEDED and child.storage_key is not None:
            try:
                data = b"".join([chunk async for chunk in await storage.open(child.storage_key)])
            except StoredFileMissing:
                logger.error(
                    "report job %s succeeded but its file %s is missing", child.id, child.storage_key
                )
        code, name = (region.code, region.name) if region is not None else ("", "")
        entries.append(ArchiveEntry(job=child, region_code=code, region_name=name, data=data))
    return entries


async def _archive_name(session: AsyncSession, parent: ReportJob, documents: int) -> str:
    region = await session.get(Region, parent.region_id) if parent.region_id is not None else None
    fund = await session.get(FundType, parent.fund_type_id) if parent.fund_type_id is not None else None
    place = f"{region.name if region else ''}{parent.year}年度{fund.name_zh if fund else ''}"
    return safe_file_name(f"{place}{kind_label(parent.kind)}（{documents}份）", parent.kind, "zip")


async def finish_batch(
    sessionmaker: async_sessionmaker[AsyncSession], storage: Storage, parent: ReportJob
) -> bool:
    """Once every child has ended: the archive stored as the parent's file, and the parent SUCCEEDED, or
    FAILED naming how many documents are missing (the archive holds the others). False, leaving it, while
    a child is still running elsewhere (whoever runs it finishes the batch)."""
    async with sessionmaker() as session:
        stmt = select(ReportJob).where(ReportJob.parent_id == parent.id).order_by(col(ReportJob.id))
        children = list((await session.exec(stmt)).all())
        if any(child.status in UNFINISHED for child in children):
            logger.info("report batch %s: documents are still running elsewhere", parent.id)
            return False
        entries = await _entries(session, storage, children)
        file_name = await _archive_name(session, parent, len(children))
    data = await asyncio.to_thread(build_archive, entries, utcnow())
    failed = sum(child.status == ReportJobStatus.FAILED for child in children)
    values = {
        "status": ReportJobStatus.FAILED if failed else ReportJobStatus.SUCCEEDED,
        "error": failed_message(failed) if failed else None,
        "file_name": file_name,
        "pages": None,
    }
    return await store(sessionmaker, storage, parent, data, "zip", values)


async def fail_batch(sessionmaker: async_sessionmaker[AsyncSession], parent: ReportJob, message: str) -> bool:
    """Ends a batch that cannot go on: the batch FAILED with `message`, and its children not ended with
    it (counted on it). False, changing nothing, if the batch had ended."""
    assert parent.id is not None
    now = utcnow()
    ended = update(ReportJob).where(col(ReportJob.status).in_(UNFINISHED))
    values = {"status": ReportJobStatus.FAILED, "error": message, "finished_at": now, "updated_at": now}
    try:
        async with session_scope(sessionmaker) as session:
            done = await session.exec(
                ended.where(col(ReportJob.id) == parent.id).values(
                    **values, row_version=ReportJob.row_version + 1
                )
            )
            if done.rowcount != 1:
                return False
            left_stmt = select(ReportJob.id).where(
                ReportJob.parent_id == parent.id, col(ReportJob.status).in_(UNFINISHED)
            )
            left = [job_id for job_id in (await session.exec(left_stmt)).all() if job_id is not None]
            for job_id in left:
                await session.exec(
                    ended.where(col(ReportJob.id) == job_id).values(
                        **values,
                        progress_done=ReportJob.progress_total,
                        row_version=ReportJob.row_version + 1,
                    )
                )
                await announce(session, job_id)
            if left:
                await count_on_parent(session, parent.id, len(left))  # announces the batch
            else:
                await announce(session, parent.id)
            return True
    except Exception:
        logger.exception("report batch %s: recording its failure failed", parent.id)
        return False
