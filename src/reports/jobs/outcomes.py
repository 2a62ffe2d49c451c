"""The steps of running a job, each in a short transaction of its own: claim it, render as the requester,
store the file, record the outcome (counted on a batch's parent). running.py and batches.py put them
together."""

import asyncio
import hashlib
import logging
import re
from dataclasses import replace
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models.base import utcnow
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.contexts import build_context, file_stem
from src.reports.jobs.common import (
    EXTENSIONS,
    MESSAGE_INTERNAL,
    MESSAGE_REQUESTER_GONE,
    JobFailed,
    Renderer,
    job_changed,
    message_subject_deleted,
    message_subject_unreadable,
)
from src.reports.kinds import kind_label
from src.reports.pdf import page_count
from src.reports.storage import Storage, report_key
from src.services.actors import load_actor
from src.services.errors import DomainError, NotFound
from src.subjects.registry import registry

logger = logging.getLogger(__name__)


async def claim(sessionmaker: async_sessionmaker[AsyncSession], job_id: int) -> ReportJob | None:
    """QUEUED → RUNNING (attempts + 1); None if the job is not queued (already run, or running elsewhere).
    A batch's parent is claimed before its children; should a child be claimed alone, its queued parent
    starts running with it."""
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


async def complete(
    sessionmaker: async_sessionmaker[AsyncSession], job: ReportJob, values: dict[str, Any]
) -> bool:
    """Records the outcome of a RUNNING job (False if it is no longer running) and, for a batch's child,
    counts it done on its parent (the batch's run ends the parent, with its archive, once every child has).

    The parent's counter is incremented in the UPDATE itself, which locks the parent's row until commit:
    children finishing at once take turns."""
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
            await count_on_parent(session, job.parent_id)
        return True


async def count_on_parent(session: AsyncSession, parent_id: int, done: int = 1) -> None:
    await session.exec(
        update(ReportJob)
        .where(col(ReportJob.id) == parent_id)
        .values(
            progress_done=ReportJob.progress_done + done,
            updated_at=utcnow(),
            row_version=ReportJob.row_version + 1,
        )
    )
    await announce(session, parent_id)


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_file_name(stem: str, kind: str, fmt: ReportFormat | str) -> str:
    """`stem`.<ext> without what a file system or a Content-Disposition header cannot take (`fmt`: a
    document's format, or an extension such as "zip")."""
    cleaned = _UNSAFE_IN_FILE_NAMES.sub("_", stem).strip(" .")[:200] or kind_label(kind)
    extension = EXTENSIONS[fmt] if isinstance(fmt, ReportFormat) else fmt
    return f"{cleaned}.{extension}"


async def render_docx(
    sessionmaker: async_sessionmaker[AsyncSession], renderer: Renderer, job: ReportJob
) -> tuple[bytes, str]:
    """The document as DOCX and its file name (in the job's format), built as the requester."""
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
    return data, safe_file_name(file_stem(job.kind, context), job.kind, job.format)


async def store(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    job: ReportJob,
    data: bytes,
    extension: str,
    values: dict[str, Any],
) -> bool:
    """Stores `data` as the job's file and records the outcome `values` with it; False (and no file kept)
    if the job was ended meanwhile. One file per job: an earlier run's goes."""
    assert job.id is not None
    digest = hashlib.sha256(data).hexdigest()
    key = report_key(job.id, digest, extension)
    await storage.put(key, data)
    stored = {**values, "storage_key": key, "size_bytes": len(data), "sha256": digest}
    if not await complete(sessionmaker, job, stored):
        await storage.delete(key)  # keep no file nobody points at
        return False
    if job.storage_key is not None and job.storage_key != key:
        await storage.delete(job.storage_key)
    return True


async def store_document(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    job: ReportJob,
    data: bytes,
    file_name: str,
) -> None:
    pages = page_count(data) if job.format == ReportFormat.PDF else None
    values = {"status": ReportJobStatus.SUCCEEDED, "error": None, "file_name": file_name, "pages": pages}
    await store(sessionmaker, storage, job, data, EXTENSIONS[job.format], values)


async def record_failure(
    sessionmaker: async_sessionmaker[AsyncSession], job: ReportJob, exc: Exception
) -> None:
    """Why `job` made no document, recorded on it: an expected reason as it is, anything else as an
    internal error (logged with its traceback)."""
    if isinstance(exc, JobFailed):
        logger.info("report job %s failed: %s", job.id, exc)
        message = str(exc)
    elif isinstance(exc, DomainError):
        logger.info("report job %s refused: %s", job.id, exc.message)
        message = exc.message
    else:
        logger.error("report job %s failed unexpectedly", job.id, exc_info=exc)
        message = MESSAGE_INTERNAL
    await fail(sessionmaker, job, message)


async def fail(sessionmaker: async_sessionmaker[AsyncSession], job: ReportJob, message: str) -> None:
    try:
        await complete(sessionmaker, job, {"status": ReportJobStatus.FAILED, "error": message})
    except Exception:
        logger.exception("report job %s: recording its failure failed", job.id)
