"""The steps of a batch's chunk, each for the whole chunk in one short transaction (batches.py puts them
together): claim its children, build their documents as the requester, record their outcomes.

outcomes.py takes these steps one job at a time, with several statements each; a chunk of 25 forms took
about forty statements a form, most of them bookkeeping (the claim, the progress, each change's event and
its scope read again). Here a chunk claims and completes its children in one transaction each (the events
flushed together, their subjects' scopes read at once) and, for a kind that builds its contexts in bulk
(DocumentSpec.build_contexts), reads its documents' data in a few statements whatever its size. What each
child records, and when it fails alone, is as outcomes.py has it.
"""

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models import FundType, Region
from src.models.base import utcnow
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.contexts import file_stem
from src.reports.jobs.common import (
    EXTENSIONS,
    MESSAGE_REQUESTER_GONE,
    JobFailed,
    Renderer,
    job_changed,
    message_subject_deleted,
    message_subject_unreadable,
)
from src.reports.jobs.outcomes import count_on_parent, record_failure, render_docx, safe_file_name
from src.reports.pdf import page_count
from src.reports.storage import Storage, report_key
from src.services.actors import load_actor
from src.services.rows import keep_rows
from src.subjects.registry import registry

logger = logging.getLogger(__name__)


async def _keep_scopes(session: AsyncSession, jobs: Sequence[ReportJob]) -> list[Any]:
    """What the jobs' events read for their scopes (scope.py: the subject, its region and fund), read at
    once; the subjects are returned so the session keeps them while the events are recorded."""
    subjects: list[Any] = []
    by_type: dict[str, set[int]] = {}
    for job in jobs:
        if job.subject_id is not None:
            by_type.setdefault(job.subject_type, set()).add(job.subject_id)
    for name, ids in by_type.items():
        model = registry().subject(name).model
        subjects.extend((await session.exec(select(model).where(col(model.id).in_(sorted(ids))))).all())
    rows = [*jobs, *subjects]
    await keep_rows(session, Region, {r for row in rows if (r := getattr(row, "region_id", None))})
    await keep_rows(session, FundType, {f for row in rows if (f := getattr(row, "fund_type_id", None))})
    return subjects


async def announce_many(session: AsyncSession, job_ids: Sequence[int]) -> Sequence[ReportJob]:
    """outcomes.announce for each of `job_ids`: their status and progress as they now are, as events;
    the jobs so read, by id."""
    if not job_ids:
        return []
    stmt = select(ReportJob).where(col(ReportJob.id).in_(job_ids)).order_by(col(ReportJob.id))
    jobs = (await session.exec(stmt.execution_options(populate_existing=True))).all()
    kept = await _keep_scopes(session, jobs)
    for job in jobs:
        await job_changed(session=session, job=job, actor=None)
    del kept
    return jobs


async def _claim(session: AsyncSession, job_ids: Sequence[int]) -> list[ReportJob]:
    now = utcnow()
    running = {
        "status": ReportJobStatus.RUNNING,
        "attempts": ReportJob.attempts + 1,
        "started_at": now,
        "updated_at": now,
        "row_version": ReportJob.row_version + 1,
    }
    queued = col(ReportJob.status) == ReportJobStatus.QUEUED
    stmt = update(ReportJob).where(col(ReportJob.id).in_(job_ids), queued).values(**running)
    claimed = sorted((await session.exec(stmt.returning(col(ReportJob.id)))).scalars().all())
    if not claimed:
        return []
    return list(await announce_many(session, claimed))


async def claim_queued_children(
    sessionmaker: async_sessionmaker[AsyncSession], parent_id: int, size: int
) -> list[ReportJob] | None:
    """outcomes.claim for up to `size` of the batch's queued children, in the transaction that finds them:
    those still QUEUED → RUNNING (attempts + 1), by id; None when none is left queued. The batch runs, so
    it is not queued: outcomes.claim's start of a queued parent has nothing to do here."""
    async with session_scope(sessionmaker) as session:
        stmt = (
            select(ReportJob.id)
            .where(ReportJob.parent_id == parent_id, ReportJob.status == ReportJobStatus.QUEUED)
            .order_by(col(ReportJob.id))
            .limit(size)
        )
        queued = [job_id for job_id in (await session.exec(stmt)).all() if job_id is not None]
        return await _claim(session, queued) if queued else None


@dataclass(frozen=True)
class Rendered:
    job: ReportJob
    data: bytes
    file_name: str


async def _contexts(
    sessionmaker: async_sessionmaker[AsyncSession], jobs: Sequence[ReportJob]
) -> dict[int, dict[str, Any] | Exception]:
    """The contexts of jobs of one kind, subject type and requester (a batch's children), built at once
    as the requester; for a job that has none, why (the messages of outcomes.render_docx)."""
    first = jobs[0]
    subject = registry().subject(first.subject_type)
    build = registry().documents[str(first.kind)].build_contexts
    assert build is not None
    wanted = sorted({job.subject_id for job in jobs if job.subject_id is not None})
    async with sessionmaker() as session:
        present = set(
            (await session.exec(select(subject.model.id).where(col(subject.model.id).in_(wanted)))).all()
        )
        actor = await load_actor(session=session, user_id=first.requested_by_id)
        contexts: dict[int, dict[str, Any]] = {}
        if actor is not None and present:
            actor = replace(actor, token_region_path=first.token_region_path)
            contexts = await build(session=session, actor=actor, subject_ids=sorted(present))
        await session.commit()
    found: dict[int, dict[str, Any] | Exception] = {}
    for job in jobs:
        assert job.id is not None
        if job.subject_id is None or job.subject_id not in present:
            found[job.id] = JobFailed(message_subject_deleted(subject.label))
        elif actor is None:
            found[job.id] = JobFailed(MESSAGE_REQUESTER_GONE)
        else:
            context = contexts.get(job.subject_id)
            found[job.id] = (
                context if context is not None else JobFailed(message_subject_unreadable(subject.label))
            )
    return found


async def render_many(
    sessionmaker: async_sessionmaker[AsyncSession], renderer: Renderer, jobs: Sequence[ReportJob]
) -> dict[int, Rendered | Exception]:
    """Each job's DOCX and file name (render_docx's), or why it has none. Jobs of a kind that builds its
    contexts in bulk have them built per kind, subject type and requester at once; others one by one."""
    groups: dict[tuple[Any, ...], list[ReportJob]] = {}
    for job in jobs:
        bulk = registry().documents[str(job.kind)].build_contexts is not None
        key = (job.kind, job.subject_type, job.requested_by_id, job.token_region_path) if bulk else (job.id,)
        groups.setdefault(key, []).append(job)
    found: dict[int, Rendered | Exception] = {}
    for key, group in groups.items():
        if len(key) == 1:
            job = group[0]
            try:
                found[job.id or 0] = Rendered(job, *await render_docx(sessionmaker, renderer, job))
            except Exception as exc:
                found[job.id or 0] = exc
            continue
        try:
            contexts = await _contexts(sessionmaker, group)
        except Exception as exc:
            contexts = {job.id or 0: exc for job in group}
        for job in group:
            context = contexts[job.id or 0]
            if isinstance(context, Exception):
                found[job.id or 0] = context
                continue
            try:
                # CPU work (docxtpl): off the event loop, so the worker keeps answering meanwhile.
                data = await asyncio.to_thread(renderer.render, job.kind, context)
            except Exception as exc:
                found[job.id or 0] = exc
                continue
            found[job.id or 0] = Rendered(
                job, data, safe_file_name(file_stem(job.kind, context), job.kind, job.format)
            )
    return found


async def complete_many(
    sessionmaker: async_sessionmaker[AsyncSession], outcomes: Sequence[tuple[ReportJob, dict[str, Any]]]
) -> set[int]:
    """outcomes.complete for many RUNNING jobs in one transaction; the ids recorded (a job no longer
    running is left alone). Each is counted on its parent, a parent's count raised once."""
    now = utcnow()
    done: list[int] = []
    counted: dict[int, int] = {}
    async with session_scope(sessionmaker) as session:
        for job, values in outcomes:
            stmt = (
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
            if (await session.exec(stmt)).rowcount == 1:
                done.append(job.id or 0)
                if job.parent_id is not None:
                    counted[job.parent_id] = counted.get(job.parent_id, 0) + 1
        await announce_many(session, sorted(done))
        for parent_id, count in sorted(counted.items()):
            await count_on_parent(session, parent_id, count)
    return set(done)


async def store_many(
    sessionmaker: async_sessionmaker[AsyncSession], storage: Storage, documents: Sequence[Rendered]
) -> None:
    """outcomes.store_document for each document, their outcomes recorded at once: each file stored, the
    jobs SUCCEEDED together; a file that cannot be stored fails its job alone, and a job ended meanwhile
    keeps no file."""
    stored: list[tuple[Rendered, str, dict[str, Any]]] = []
    for document in documents:
        job, data = document.job, document.data
        digest = hashlib.sha256(data).hexdigest()
        key = report_key(job.id or 0, digest, EXTENSIONS[job.format])
        try:
            pages = page_count(data) if job.format == ReportFormat.PDF else None
            await storage.put(key, data)
        except Exception as exc:
            await record_failure(sessionmaker, job, exc)
            continue
        values = {
            "status": ReportJobStatus.SUCCEEDED,
            "error": None,
            "file_name": document.file_name,
            "pages": pages,
            "storage_key": key,
            "size_bytes": len(data),
            "sha256": digest,
        }
        stored.append((document, key, values))
    if not stored:
        return
    try:
        done = await complete_many(sessionmaker, [(d.job, values) for d, _, values in stored])
    except Exception as exc:
        for document, key, _ in stored:
            await storage.delete(key)
            await record_failure(sessionmaker, document.job, exc)
        return
    for document, key, _ in stored:
        previous = document.job.storage_key
        if document.job.id not in done:
            await storage.delete(key)  # keep no file nobody points at
        elif previous is not None and previous != key:
            await storage.delete(previous)
