"""Requesting documents: one job per goal, or a batch; the same request for unchanged data gets the
existing job."""

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy import tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundType, Goal, Region
from src.models.base import utcnow
from src.models.enums import GoalHorizon
from src.models.report import LIVE_STATUSES, ReportJob, ReportJobStatus

# --- requesting --------------------------------------------------------------------------------------
from src.reports.jobs.common import (
    BATCH_STATUSES,
    CHINA,
    FINGERPRINT_VERSION,
    MAX_BATCH_GOALS,
    PDF_UNAVAILABLE,
)
from src.reports.kinds import ReportFormat, ReportKind
from src.reports.pdf import soffice_path
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    CommonErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.goals.editing import visible_goal
from src.services.goals.reads import GoalQuery, goals_select

logger = logging.getLogger(__name__)


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


async def _insert_or_live(
    session: AsyncSession, fp: str, insert: Callable[[], Awaitable[None]], job: ReportJob
) -> ReportJob:
    """`job`, inserted by `insert`; or, when a request made at the same moment inserted the same
    request's job first (the live-fingerprint index refuses a second), that job."""
    try:
        async with session.begin_nested():
            await insert()
    except IntegrityError:
        logger.info(
            "report request %s: the same request was made at the same moment; its job is returned", fp[:12]
        )
        return await _live_job_or_fail(session, fp)
    return job


async def _live_job_or_fail(session: AsyncSession, fp: str) -> ReportJob:
    existing = await _live_job(session, fp)
    if existing is None:  # the other request's job failed at once: this one may ask again
        raise Conflict("相同的报告申请正在处理，请稍后重试", code=CommonErrorCode.DATABASE_BUSY)
    return existing


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
    return await _insert_or_live(
        session,
        fp,
        partial(audit.created, session=session, actor=actor, operation="reportRequest", row=job),
        job,
    )


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
    recorded = partial(
        audit.created,
        session=session,
        actor=actor,
        operation="reportRequest",
        row=parent,
        extra={"goal_ids": [g.id for g in goals]},
    )
    winner = await _insert_or_live(session, fp, recorded, parent)
    if winner is not parent:
        return winner
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
