"""`fundperf render`: a goal's document, or a batch's, rendered in this process and copied to a folder.

The jobs are made exactly as `reportRequest` makes them (request_report, as the named user, in one
committed transaction) and run by the same run_job, with a Renderer and the settings' storage; then each
finished file is copied out under its Chinese name. Jobs the request found already done (the same request
on unchanged data today) are copied as they are; jobs another process is running are waited for.
"""

import asyncio
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import create_engine, create_sessionmaker, session_scope
from src.models import User
from src.models.goal import GoalDocumentKind
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.jobs import is_batch, request_report, run_job
from src.reports.jobs.archive import free_name
from src.reports.pdf import PdfConverter
from src.reports.render import Renderer
from src.reports.storage import Storage, StoredFileMissing, storage_from_settings
from src.services.actors import Actor, load_actor
from src.services.errors import DomainError, ValidationFailed
from src.settings import Settings

BAR_WIDTH = 20
# Jobs another process is running (a server, a worker) are waited for this long at most (the worker's
# default time limit for one document).
WAIT_FOR_OTHERS_SECONDS = 300.0
POLL_SECONDS = 0.2
FINISHED = (ReportJobStatus.SUCCEEDED, ReportJobStatus.FAILED)


@dataclass(frozen=True)
class Scope:
    """What to render: one goal, or a batch (fund, year, region)."""

    goal_id: int | None = None
    fund_type_code: str | None = None
    year: int | None = None
    region_code: str | None = None

    @classmethod
    def of(
        cls, *, goal_id: int | None, fund_type_code: str | None, year: int | None, region_code: str | None
    ) -> "Scope | None":
        """The scope, or None unless exactly one is given: a goal, or all three of fund, year and region."""
        batch = (fund_type_code, year, region_code)
        if goal_id is not None and batch == (None, None, None):
            return cls(goal_id=goal_id)
        if goal_id is None and None not in batch:
            return cls(fund_type_code=fund_type_code, year=year, region_code=region_code)
        return None


class RenderFailed(Exception):
    """The request was refused: the message says why."""


class Progress:
    """`[#####.....] 5/10` redrawn on one line of a terminal; elsewhere (a log, a pipe) one line per
    finished document."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.tty = stream.isatty()

    def bar(self) -> str:
        filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
        return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total}"

    def start(self) -> None:
        if self.tty:
            self.stream.write(f"\r{self.bar()}")
            self.stream.flush()

    def finished(self, job: ReportJob) -> None:
        self.done += 1
        if self.tty:
            self.stream.write(f"\r{self.bar()}")
        elif job.status == ReportJobStatus.SUCCEEDED:
            self.stream.write(f"{self.done}/{self.total} {job.file_name}\n")
        else:
            self.stream.write(f"{self.done}/{self.total} 失败：{describe(job)}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def describe(job: ReportJob) -> str:
    """Which document, and why it is not there."""
    reason = job.error if job.status == ReportJobStatus.FAILED else "仍在其他进程中生成，未等到完成"
    return f"目标 {job.subject_id}（任务 {job.id}）：{reason}"


def refusal(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed) and exc.problems:
        return "；".join(problem.message for problem in exc.problems)
    return exc.message


async def _actor(session: AsyncSession, username: str) -> Actor:
    user_id = (await session.exec(select(User.id).where(User.username == username))).first()
    actor = None if user_id is None else await load_actor(session=session, user_id=user_id)
    if actor is None:
        raise RenderFailed(f"用户不存在或已停用：{username}")
    return actor


@dataclass(frozen=True)
class Requested:
    """The job a runner is given (a document, or a batch's parent) and the documents it makes."""

    job_id: int
    documents: list[int]


async def _request(
    sessionmaker: async_sessionmaker[AsyncSession],
    username: str,
    scope: Scope,
    fmt: ReportFormat,
    include_drafts: bool = False,
) -> Requested:
    """Requests the document(s) as `username` does through reportRequest (committed)."""
    async with session_scope(sessionmaker) as session:
        actor = await _actor(session, username)
        try:
            job = await request_report(
                session=session,
                actor=actor,
                kind=GoalDocumentKind.GOAL_TABLE,
                fmt=fmt,
                subject_id=scope.goal_id,
                fund_type_code=scope.fund_type_code,
                year=scope.year,
                region_code=scope.region_code,
                include_drafts=include_drafts,
            )
        except DomainError as exc:
            raise RenderFailed(refusal(exc)) from exc
        assert job.id is not None
        if not is_batch(job):
            return Requested(job.id, [job.id])
        children = select(ReportJob.id).where(ReportJob.parent_id == job.id).order_by(col(ReportJob.id))
        return Requested(job.id, [job_id for job_id in (await session.exec(children)).all() if job_id])


async def _jobs(sessionmaker: async_sessionmaker[AsyncSession], job_ids: Sequence[int]) -> list[ReportJob]:
    async with sessionmaker() as session:
        stmt = select(ReportJob).where(col(ReportJob.id).in_(job_ids)).order_by(col(ReportJob.id))
        return list((await session.exec(stmt)).all())


async def _run(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    pdf: PdfConverter,
    requested: Requested,
    progress: Progress,
) -> list[ReportJob]:
    """Runs the job here if it is queued (a batch: its documents a chunk at a time) and waits for the rest,
    reporting each document as it ends. The documents as they ended (or, past the wait, as they are), in id
    order."""
    reported: set[int | None] = set()

    def report(jobs: Sequence[ReportJob]) -> None:
        for job in jobs:
            if job.status in FINISHED and job.id not in reported:
                reported.add(job.id)
                progress.finished(job)

    progress.start()
    renderer = Renderer()
    running = asyncio.create_task(
        run_job(
            sessionmaker=sessionmaker, renderer=renderer, storage=storage, pdf=pdf, job_id=requested.job_id
        )
    )
    # Documents done before (the same request on unchanged data today), done here, or by another process.
    deadline = time.monotonic() + WAIT_FOR_OTHERS_SECONDS
    try:
        while True:
            jobs = await _jobs(sessionmaker, requested.documents)
            report(jobs)
            ended = all(job.status in FINISHED for job in jobs)
            if (ended or time.monotonic() > deadline) and running.done():
                progress.close()
                return jobs
            await asyncio.sleep(POLL_SECONDS)  # a poll interval
    finally:
        await running  # its failures are recorded on the jobs; it raises for none


async def _copy(storage: Storage, job: ReportJob, target: Path) -> None:
    assert job.storage_key is not None
    data = b"".join([chunk async for chunk in await storage.open(job.storage_key)])
    await asyncio.to_thread(target.write_bytes, data)


async def render(
    settings: Settings,
    *,
    username: str,
    scope: Scope,
    fmt: ReportFormat = ReportFormat.DOCX,
    include_drafts: bool = False,
    out: Path = Path(),
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """`fundperf render`: 0 when every document was rendered and copied to `out` (their paths printed on
    `stdout`); 1 when the request was refused or a document failed (the reasons on `stderr`)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    engine = create_engine(settings.DATABASE_URL, echo=settings.SQL_ECHO)
    try:
        sessionmaker = create_sessionmaker(engine)
        storage = storage_from_settings(settings)
        try:
            requested = await _request(sessionmaker, username, scope, fmt, include_drafts)
        except RenderFailed as exc:
            stderr.write(f"fundperf render: {exc}\n")
            return 1
        pdf = PdfConverter(chunk_size=settings.REPORT_BATCH_CHUNK_SIZE)
        progress = Progress(len(requested.documents), stderr)
        jobs = await _run(sessionmaker, storage, pdf, requested, progress)
        await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
        status, taken = 0, set[str]()
        for job in jobs:
            if job.status != ReportJobStatus.SUCCEEDED or job.file_name is None:
                stderr.write(f"fundperf render: 未能生成 {describe(job)}\n")
                status = 1
                continue
            target = out / free_name(job.file_name, taken)
            try:
                await _copy(storage, job, target)
            except (StoredFileMissing, OSError):
                stderr.write(f"fundperf render: 文件不在存储中（STORAGE_DIR）：{describe(job)}\n")
                status = 1
                continue
            stdout.write(f"{target}\n")
        stdout.flush()
        return status
    finally:
        await engine.dispose()
