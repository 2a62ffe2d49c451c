"""Report jobs (DOMAIN.md §9): requesting a document, running the job that renders it, reading jobs.

- `request_report` writes the job rows in the caller's transaction; whoever commits it then hands
  `queued_job_ids(...)` to a runner (src/reports/runner.py: in-process now, the arq queue later).
- `run_job` is the one job function, wherever it runs: it claims the job, builds the document's context as
  the requester (so the document shows only what the requester may read), renders, stores the file and
  records the outcome, each in a short transaction of its own.
- `report_jobs_select(query, actor)` is the read: a job is visible to whoever may read its goal; a batch
  to whoever may read records of its region and fund (policy.visible_region_clause).
"""

import asyncio
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, or_, tuple_, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.db import session_scope
from src.models import FundBudget, FundType, Goal, Region
from src.models.base import utcnow
from src.models.enums import GoalHorizon, GoalStatus
from src.models.report import LIVE_STATUSES, ReportJob, ReportJobStatus
from src.reports.contexts import build_context, file_stem
from src.reports.kinds import KIND_LABELS, ReportFormat, ReportKind
from src.reports.pdf import PdfFailed, PdfUnavailable, convert, page_count, soffice_path
from src.reports.storage import Storage, report_key
from src.services import audit, policy
from src.services.actors import Actor, load_actor
from src.services.errors import (
    CommonErrorCode,
    DomainError,
    ErrorCode,
    FieldProblem,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.goals.editing import visible_goal
from src.services.goals.reads import GoalQuery, goals_select

logger = logging.getLogger(__name__)

# The most goals one batch renders (the goals of a province and all its pooling regions are ~200); the
# children list of a batch is bounded by it.
MAX_BATCH_GOALS = 300
# Bump when what goes into a fingerprint changes, so old jobs are not taken for new requests.
FINGERPRINT_VERSION = 1
EXTENSIONS: dict[ReportFormat, str] = {ReportFormat.DOCX: "docx", ReportFormat.PDF: "pdf"}
PDF_UNAVAILABLE = "服务器未安装 LibreOffice（soffice），不能生成 PDF；请选择 DOCX 格式"
# One soffice at a time per process: conversions share the process's LibreOffice profile directory.
_PDF_LOCK = asyncio.Lock()
# A batch renders every version that is not superseded: the one in force and one being adjusted.
BATCH_STATUSES: list[GoalStatus] = [s for s in GoalStatus if s != GoalStatus.SUPERSEDED]

MESSAGE_GOAL_DELETED = "绩效目标已被删除，未能生成文档"
MESSAGE_GOAL_UNREADABLE = "绩效目标不存在或申请人已无权查看，未能生成文档"
MESSAGE_REQUESTER_GONE = "申请人账号已停用或不存在，未能生成文档"
MESSAGE_INTERNAL = "生成文档时发生内部错误（已记录），请稍后重新申请或联系管理员"
MESSAGE_INTERRUPTED = "服务停止，文档生成被中断，请重新申请"
ENTITY = "报告任务"
CHINA = ZoneInfo("Asia/Shanghai")
UNFINISHED = [ReportJobStatus.QUEUED, ReportJobStatus.RUNNING]


class Renderer(Protocol):
    """What run_job needs of src/reports/render.py's Renderer (tests pass their own)."""

    def render(self, kind: ReportKind, context: Mapping[str, Any]) -> bytes: ...


class JobFailed(Exception):
    """An expected reason a job cannot produce its document; the message is shown to the requester."""


# --- requesting --------------------------------------------------------------------------------------


def is_batch(job: ReportJob) -> bool:
    """A batch's parent has a year (its scope); a job for one goal has none."""
    return job.year is not None


def _view(actor: Actor) -> list[Any]:
    """What decides what a document shows its requester: the organization, the administrator flag and an
    API token's region. Users of one organization see the same, so they share jobs."""
    return [actor.organization_id, actor.is_admin, actor.token_region_path]


async def _versions(session: AsyncSession, goals: Sequence[Goal]) -> dict[int, list[Any]]:
    """The version of the data each goal's document is made of, by goal id: the goal (every edit of it,
    its indicators or its table claims it: row_version + 1, updated_at) and its year's budget, which the
    goal table shows. One statement for all of them."""
    scopes = {(g.region_id, g.fund_type_id, g.start_year) for g in goals if g.horizon == GoalHorizon.ANNUAL}
    budgets: dict[tuple[int, int, int], list[Any]] = {}
    if scopes:
        scope = tuple_(FundBudget.region_id, FundBudget.fund_type_id, FundBudget.year)
        for b in (await session.exec(select(FundBudget).where(scope.in_(sorted(scopes))))).all():
            budgets[(b.region_id, b.fund_type_id, b.year)] = [b.id, b.row_version, b.updated_at.isoformat()]
    return {
        g.id or 0: [
            g.id,
            g.row_version,
            g.content_revision,
            g.updated_at.isoformat(),
            budgets.get((g.region_id, g.fund_type_id, g.start_year)),
        ]
        for g in goals
    }


def fingerprint(*parts: Any) -> str:
    """SHA-256 of the parts. The date of the day (China time) is one: a document carries the date it was
    made on (成文日期), so tomorrow's request for the same data makes tomorrow's document."""
    today = utcnow().astimezone(CHINA).date().isoformat()
    payload = json.dumps([FINGERPRINT_VERSION, today, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _goal_fingerprint(kind: ReportKind, fmt: ReportFormat, actor: Actor, version: list[Any]) -> str:
    return fingerprint(kind.value, fmt.value, "goal", _view(actor), version)


def _check_scope(
    goal_id: int | None, fund_type_code: str | None, year: int | None, region_code: str | None
) -> None:
    """Exactly one scope: a goal, or a fund, a year and a region for a batch."""
    batch = {"input.fundTypeCode": fund_type_code, "input.year": year, "input.regionCode": region_code}
    if goal_id is not None:
        problems = [
            FieldProblem(name, "按目标生成时不能同时指定基金类型、年度或区划", ErrorCode.INVALID)
            for name, value in batch.items()
            if value is not None
        ]
    else:
        missing = "请指定 goalId，或同时指定基金类型、年度和区划（批量生成）"
        problems = [
            FieldProblem(name, missing, ErrorCode.REQUIRED) for name, value in batch.items() if value is None
        ]
    if problems:
        raise ValidationFailed(problems)


async def _live_job(session: AsyncSession, fp: str) -> ReportJob | None:
    """The newest job for the fingerprint that is queued, running or done; a failed one is asked again."""
    stmt = (
        select(ReportJob)
        .where(ReportJob.fingerprint == fp, col(ReportJob.status).in_(LIVE_STATUSES))
        .order_by(col(ReportJob.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def request_report(
    *,
    session: AsyncSession,
    actor: Actor,
    kind: ReportKind,
    fmt: ReportFormat,
    goal_id: int | None,
    fund_type_code: str | None,
    year: int | None,
    region_code: str | None,
) -> ReportJob:
    """The job for this request: the existing one when the same request was made for the same data (and
    has not failed), else a new QUEUED job — for a batch, a parent and one child per goal. Nothing runs
    here: after the caller commits, it submits `queued_job_ids(...)` to a runner."""
    _check_scope(goal_id, fund_type_code, year, region_code)
    if fmt == ReportFormat.PDF and soffice_path() is None:
        raise PreconditionFailed(PDF_UNAVAILABLE, code=CommonErrorCode.INVALID_ARGUMENT)
    if goal_id is not None:
        return await _request_goal(session=session, actor=actor, kind=kind, fmt=fmt, goal_id=goal_id)
    assert fund_type_code is not None and year is not None and region_code is not None
    return await _request_batch(
        session=session,
        actor=actor,
        kind=kind,
        fmt=fmt,
        fund_type_code=fund_type_code,
        year=year,
        region_code=region_code,
    )


def _new_job(actor: Actor, kind: ReportKind, fmt: ReportFormat, fp: str, **values: Any) -> ReportJob:
    return ReportJob(
        kind=kind,
        format=fmt,
        requested_by_id=actor.user_id,
        organization_id=actor.organization_id,
        token_region_path=actor.token_region_path,
        fingerprint=fp,
        **values,
    )


async def _request_goal(
    *, session: AsyncSession, actor: Actor, kind: ReportKind, fmt: ReportFormat, goal_id: int
) -> ReportJob:
    goal, _ = await visible_goal(session=session, actor=actor, goal_id=goal_id)  # NotFound if unreadable
    fp = _goal_fingerprint(kind, fmt, actor, (await _versions(session, [goal]))[goal_id])
    existing = await _live_job(session, fp)
    if existing is not None:
        return existing
    job = _new_job(
        actor,
        kind,
        fmt,
        fp,
        goal_id=goal.id,
        fund_type_id=goal.fund_type_id,
        region_id=goal.region_id,
        progress_total=1,
    )
    await audit.created(session=session, actor=actor, operation="reportRequest", row=job)
    return job


async def _request_batch(
    *,
    session: AsyncSession,
    actor: Actor,
    kind: ReportKind,
    fmt: ReportFormat,
    fund_type_code: str,
    year: int,
    region_code: str,
) -> ReportJob:
    fund = (await session.exec(select(FundType).where(FundType.code == fund_type_code))).first()
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    problems = []
    if fund is None:
        problems.append(
            FieldProblem("input.fundTypeCode", f"基金类型不存在：{fund_type_code}", ErrorCode.NOT_FOUND)
        )
    if region is None:
        problems.append(FieldProblem("input.regionCode", f"区划不存在：{region_code}", ErrorCode.NOT_FOUND))
    if problems:
        raise ValidationFailed(problems)
    assert fund is not None and region is not None and fund.id is not None and region.id is not None
    goals: Sequence[Goal] = []
    # The batch itself is seen by whoever may read the region's records of that fund: its requester too.
    if policy.record_visible(actor, region_path=region.path, administration=fund.administration):
        query = GoalQuery(
            year=year,
            fund_type_code=fund_type_code,
            region_code=region_code,
            include_descendants=True,
            statuses=BATCH_STATUSES,
            horizon=GoalHorizon.ANNUAL,
        )
        stmt = goals_select(query, actor).order_by(col(Goal.id)).limit(MAX_BATCH_GOALS + 1)
        goals = (await session.exec(stmt)).all()
    if not goals:
        raise ValidationFailed(
            [
                FieldProblem(
                    "input.regionCode",
                    f"{region.name}（含下级）没有您可查看的 {year} 年度{fund.name_zh}绩效目标",
                    ErrorCode.NOT_FOUND,
                )
            ]
        )
    if len(goals) > MAX_BATCH_GOALS:
        raise ValidationFailed(
            [
                FieldProblem(
                    "input.regionCode",
                    f"一次最多生成 {MAX_BATCH_GOALS} 个目标的文档，请选择下一级区划分批生成",
                    ErrorCode.OUT_OF_RANGE,
                )
            ]
        )
    versions = await _versions(session, goals)
    scope = [fund.id, region.id, year]
    fp = fingerprint(kind.value, fmt.value, "batch", scope, _view(actor), list(versions.values()))
    existing = await _live_job(session, fp)
    if existing is not None:
        return existing
    parent = _new_job(
        actor, kind, fmt, fp, fund_type_id=fund.id, region_id=region.id, year=year, progress_total=len(goals)
    )
    await audit.created(
        session=session,
        actor=actor,
        operation="reportRequest",
        row=parent,
        extra={"goal_ids": [g.id for g in goals]},
    )
    session.add_all(
        _new_job(
            actor,
            kind,
            fmt,
            _goal_fingerprint(kind, fmt, actor, versions[g.id or 0]),
            goal_id=g.id,
            fund_type_id=g.fund_type_id,
            region_id=g.region_id,
            parent_id=parent.id,
            progress_total=1,
        )
        for g in goals
    )
    await session.flush()
    return parent


async def queued_job_ids(*, session: AsyncSession, job: ReportJob) -> list[int]:
    """What a runner must run for `job`: the job itself, or a batch's children, those still QUEUED.

    Submitting a job twice is harmless (run_job claims it once), so asking again for a job that is still
    queued hands it to the runner again: one left queued by a process that stopped gets its run."""
    if not is_batch(job):
        return [job.id] if job.id is not None and job.status == ReportJobStatus.QUEUED else []
    stmt = (
        select(ReportJob.id)
        .where(ReportJob.parent_id == job.id, ReportJob.status == ReportJobStatus.QUEUED)
        .order_by(col(ReportJob.id))
    )
    return [job_id for job_id in (await session.exec(stmt)).all() if job_id is not None]


# --- running -----------------------------------------------------------------------------------------


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
        if job.parent_id is not None:
            await session.exec(
                update(ReportJob)
                .where(col(ReportJob.id) == job.parent_id, col(ReportJob.status) == ReportJobStatus.QUEUED)
                .values(**running)
            )
        return job


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


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_file_name(stem: str, kind: ReportKind, fmt: ReportFormat) -> str:
    """`stem`.<ext> without what a file system or a Content-Disposition header cannot take."""
    cleaned = _UNSAFE_IN_FILE_NAMES.sub("_", stem).strip(" .")[:200] or KIND_LABELS[kind]
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
    if job.goal_id is None:
        raise JobFailed(MESSAGE_GOAL_DELETED)
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=job.requested_by_id)
        if actor is None:
            raise JobFailed(MESSAGE_REQUESTER_GONE)
        # The run sees what the request saw: an API token's region confines it here too.
        actor = replace(actor, token_region_path=job.token_region_path)
        try:
            context = await build_context(session=session, actor=actor, kind=job.kind, goal_id=job.goal_id)
        except NotFound as exc:
            raise JobFailed(MESSAGE_GOAL_UNREADABLE) from exc
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


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportJobQuery:
    statuses: list[ReportJobStatus] = field(default_factory=list)
    kind: ReportKind | None = None
    parent_ids: list[int] = field(default_factory=list)  # a batch's children


def visible_jobs_clause(actor: Actor) -> ColumnElement[bool]:
    """Who sees a job: for one goal, whoever may read the goal; for a batch, whoever may read records of
    its region and fund. A job whose goal was deleted since is left to its requester."""
    goal_readable = exists(
        select(Goal.id).where(col(Goal.id) == ReportJob.goal_id, policy.visible_goals_clause(actor))
    )
    region_readable = policy.visible_region_clause(actor, ReportJob.region_id, ReportJob.fund_type_id)
    return or_(
        and_(col(ReportJob.goal_id).is_not(None), goal_readable),
        and_(col(ReportJob.goal_id).is_(None), col(ReportJob.year).is_not(None), region_readable),
        and_(
            col(ReportJob.goal_id).is_(None),
            col(ReportJob.year).is_(None),
            col(ReportJob.requested_by_id) == actor.user_id,
            region_readable,
        ),
    )


def report_jobs_select(query: ReportJobQuery, actor: Actor) -> SelectOfScalar[ReportJob]:
    """The jobs matching `query` that `actor` may see."""
    stmt = select(ReportJob).where(visible_jobs_clause(policy.reader(actor)))
    if query.statuses:
        stmt = stmt.where(col(ReportJob.status).in_(query.statuses))
    if query.kind is not None:
        stmt = stmt.where(ReportJob.kind == query.kind)
    if query.parent_ids:
        stmt = stmt.where(col(ReportJob.parent_id).in_(query.parent_ids))
    return stmt


async def visible_report_job(*, session: AsyncSession, actor: Actor, job_id: int) -> ReportJob:
    """The job if `actor` may see it; one it may not is reported as absent, exactly like a missing one."""
    stmt = report_jobs_select(ReportJobQuery(), actor).where(ReportJob.id == job_id)
    job = (await session.exec(stmt)).first()
    if job is None:
        raise NotFound(ENTITY, job_id)
    return job
