"""Running a job: claim it, render as the requester, store, record the outcome (counted on a batch's
parent)."""

import asyncio
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models.base import utcnow
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.contexts import build_context, file_stem

# --- running -----------------------------------------------------------------------------------------
from src.reports.jobs.common import (
    EXTENSIONS,
    MESSAGE_INTERNAL,
    MESSAGE_INTERRUPTED,
    MESSAGE_REQUESTER_GONE,
    UNFINISHED,
    JobFailed,
    Renderer,
    job_changed,
    message_subject_deleted,
    message_subject_unreadable,
)
from src.reports.kinds import kind_label
from src.reports.pdf import PdfFailed, PdfUnavailable, convert, page_count
from src.reports.storage import Storage, report_key
from src.services.actors import load_actor
from src.services.errors import (
    DomainError,
    NotFound,
)
from src.subjects.registry import registry

logger = logging.getLogger(__name__)
# One soffice at a time per process: conversions share the process's LibreOffice profile directory.
_PDF_LOCK = asyncio.Lock()


async def _claim(sessionmaker: async_sessionmaker[AsyncSession], job_id: int) -> ReportJob | None:
    """QUEUED → RUNNING (attempts + 1); None if the job is not queued (already run, or running elsewhere).
    A batch's parent starts running with its first child."""
    now = utcnow()
    running = {
        "status": ReportJobStatus.RUNNING,
        "attempts": ReportJob.attempts + 1,
        "started_at": now,
        "updated_at": now,
        "row_version": ReportJob.row_version + 1,
    }
    async with session_scope(sessionmaker) as session:
        claimed = await session.exec(
            update(ReportJob)
            .where(col(ReportJob.id) == job_id, col(ReportJob.status) == ReportJobStatus.QUEUED)
            .values(**running)
        )
        if claimed.rowcount != 1:
            return None
        job = (await session.exec(select(ReportJob).where(ReportJob.id == job_id))).one()
        await announce(session, job_id)
        if job.parent_id is not None:
            parent = await session.exec(
                update(ReportJob)
                .where(col(ReportJob.id) == job.parent_id, col(ReportJob.status) == ReportJobStatus.QUEUED)
                .values(**running)
            )
            if parent.rowcount == 1:
                await announce(session, job.parent_id)
        return job


async def announce(session: AsyncSession, job_id: int) -> None:
    """The job's status and progress as they now are in this transaction, as an event (REPORT_JOB_CHANGED)."""
    stmt = select(ReportJob).where(ReportJob.id == job_id).execution_options(populate_existing=True)
    job = (await session.exec(stmt)).one()
    await job_changed(session=session, job=job, actor=None)


async def _complete(
    sessionmaker: async_sessionmaker[AsyncSession], job: ReportJob, values: dict[str, Any]
) -> bool:
    """Records the outcome of a RUNNING job (False if it is no longer running) and, for a batch's child,
    counts it done on its parent, which ends when its last child does: FAILED if any child failed.

    The parent's counter is incremented in the UPDATE itself, which locks the parent's row until commit:
    children finishing at once take turns, and the last one sees every other child's outcome."""
    now = utcnow()
    async with session_scope(sessionmaker) as session:
        done = await session.exec(
            update(ReportJob)
            .where(col(ReportJob.id) == job.id, col(ReportJob.status) == ReportJobStatus.RUNNING)
            .values(
                **values,
                progress_done=ReportJob.progress_total,
                finished_at=now,
                updated_at=now,
                row_version=ReportJob.row_version + 1,
            )
        )
        if done.rowcount != 1:
            return False
        assert job.id is not None
        await announce(session, job.id)
        if job.parent_id is not None:
            await _count_on_parent(session, job.parent_id)
        return True


async def _count_on_parent(session: AsyncSession, parent_id: int) -> None:
    now = utcnow()
    await session.exec(
        update(ReportJob)
        .where(col(ReportJob.id) == parent_id)
        .values(
            progress_done=ReportJob.progress_done + 1,
            updated_at=now,
            row_version=ReportJob.row_version + 1,
        )
    )
    progress = (
        await session.exec(
            select(ReportJob.progress_done, ReportJob.progress_total).where(ReportJob.id == parent_id)
        )
    ).one()
    if progress[0] < progress[1]:
        await announce(session, parent_id)
        return
    failed = (
        await session.exec(
            select(func.count())
            .select_from(ReportJob)
            .where(ReportJob.parent_id == parent_id, ReportJob.status == ReportJobStatus.FAILED)
        )
    ).one()
    outcome: dict[str, Any] = (
        {"status": ReportJobStatus.FAILED, "error": f"{failed} 份文档未能生成，详见各子任务"}
        if failed
        else {"status": ReportJobStatus.SUCCEEDED, "error": None}
    )
    await session.exec(
        update(ReportJob)
        .where(col(ReportJob.id) == parent_id, col(ReportJob.status).in_(UNFINISHED))
        .values(**outcome, finished_at=now)
    )
    await announce(session, parent_id)


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_file_name(stem: str, kind: str, fmt: ReportFormat) -> str:
    """`stem`.<ext> without what a file system or a Content-Disposition header cannot take."""
    cleaned = _UNSAFE_IN_FILE_NAMES.sub("_", stem).strip(" .")[:200] or kind_label(kind)
    return f"{cleaned}.{EXTENSIONS[fmt]}"


async def _to_pdf(data: bytes) -> tuple[bytes, int]:
    profile = Path(tempfile.gettempdir()) / f"fundperf-soffice-{os.getpid()}"
    try:
        async with _PDF_LOCK:
            pdf = (await convert({"document": data}, profile_dir=profile))["document"]
    except (PdfUnavailable, PdfFailed) as exc:
        raise JobFailed(str(exc)) from exc
    return pdf, page_count(pdf)


async def _document(
    sessionmaker: async_sessionmaker[AsyncSession], renderer: Renderer, job: ReportJob
) -> tuple[bytes, str, int | None]:
    """The document's bytes, file name and pages (PDF only), built as the requester."""
    subject = registry().subject(job.subject_type)
    async with sessionmaker() as session:
        # No id: a goal deleted before subjects had a name (its foreign key set it NULL).
        if job.subject_id is None or await session.get(subject.model, job.subject_id) is None:
            raise JobFailed(message_subject_deleted(subject.label))
        actor = await load_actor(session=session, user_id=job.requested_by_id)
        if actor is None:
            raise JobFailed(MESSAGE_REQUESTER_GONE)
        # The run sees what the request saw: an API token's region confines it here too.
        actor = replace(actor, token_region_path=job.token_region_path)
        try:
            context = await build_context(
                session=session, actor=actor, kind=job.kind, subject_id=job.subject_id
            )
        except NotFound as exc:
            raise JobFailed(message_subject_unreadable(subject.label)) from exc
        await session.commit()  # the document number the context may have assigned (numbering.py)
    # Rendering is CPU work (docxtpl): off the event loop, so the server keeps answering meanwhile.
    data = await asyncio.to_thread(renderer.render, job.kind, context)
    pages = None
    if job.format == ReportFormat.PDF:
        data, pages = await _to_pdf(data)
    return data, safe_file_name(file_stem(job.kind, context), job.kind, job.format), pages


async def run_job(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    renderer: Renderer,
    storage: Storage,
    job_id: int,
) -> None:
    """Runs one queued job to SUCCEEDED or FAILED; a job that is not queued is left alone. Never raises
    for a failure of the job (it is recorded on the job); a cancellation marks the job FAILED and goes on."""
    job = await _claim(sessionmaker, job_id)
    if job is None:
        logger.info("report job %s is not queued; nothing to run", job_id)
        return
    assert job.id is not None
    try:
        data, file_name, pages = await _document(sessionmaker, renderer, job)
        digest = hashlib.sha256(data).hexdigest()
        key = report_key(job.id, digest, EXTENSIONS[job.format])
        await storage.put(key, data)
        stored = {
            "status": ReportJobStatus.SUCCEEDED,
            "error": None,
            "file_name": file_name,
            "storage_key": key,
            "size_bytes": len(data),
            "sha256": digest,
            "pages": pages,
        }
        if not await _complete(sessionmaker, job, stored):
            await storage.delete(key)  # the job was ended meanwhile: keep no file nobody points at
            return
        if job.storage_key is not None and job.storage_key != key:
            await storage.delete(job.storage_key)  # one file per job: an earlier run's goes
    except asyncio.CancelledError:
        await asyncio.shield(_fail(sessionmaker, job, MESSAGE_INTERRUPTED))
        raise
    except JobFailed as exc:
        logger.info("report job %s failed: %s", job_id, exc)
        await _fail(sessionmaker, job, str(exc))
    except DomainError as exc:
        logger.info("report job %s refused: %s", job_id, exc.message)
        await _fail(sessionmaker, job, exc.message)
    except Exception:
        logger.exception("report job %s failed unexpectedly", job_id)
        await _fail(sessionmaker, job, MESSAGE_INTERNAL)


async def fail_job(sessionmaker: async_sessionmaker[AsyncSession], job_id: int, message: str) -> bool:
    """Ends a RUNNING job as FAILED with `message`, counted on its batch's parent like any other outcome
    (for a queue that gives up on a job whose worker died). False if the job is not running."""
    async with sessionmaker() as session:
        job = await session.get(ReportJob, job_id)
    if job is None or job.status != ReportJobStatus.RUNNING:
        return False
    return await _complete(sessionmaker, job, {"status": ReportJobStatus.FAILED, "error": message})


async def _fail(sessionmaker: async_sessionmaker[AsyncSession], job: ReportJob, message: str) -> None:
    try:
        await _complete(sessionmaker, job, {"status": ReportJobStatus.FAILED, "error": message})
    except Exception:
        logger.exception("report job %s: recording its failure failed", job.id)
