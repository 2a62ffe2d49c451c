"""Requesting documents: one job per subject, or a batch; the same request for unchanged data gets the
existing job. The kind of document decides its subject (src/subjects/documents.py): nothing here names a
domain."""

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import savepoint
from src.models import FundType, Region
from src.models.base import utcnow
from src.models.report import LIVE_STATUSES, ReportFormat, ReportJob, ReportJobStatus
from src.reports.jobs.common import CHINA, FINGERPRINT_VERSION, MAX_BATCH_DOCUMENTS, job_changed
from src.reports.pdf import PDF_UNAVAILABLE, soffice_path
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    CommonErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.rows import keep_rows
from src.subjects.documents import BatchScope, DocumentSpec
from src.subjects.registry import registry
from src.subjects.scope import RecordScope, combined_scope

logger = logging.getLogger(__name__)


def _view(actor: Actor) -> list[Any]:
    """What decides what a document shows its requester: the organization, the administrator flag and an
    API token's region. Users of one organization see the same, so they share jobs."""
    return [actor.organization_id, actor.is_admin, actor.token_region_path]


def fingerprint(*parts: Any) -> str:
    """SHA-256 of the parts. The date of the day (China time) is one: a document carries the date it was
    made on (成文日期), so tomorrow's request for the same data makes tomorrow's document."""
    today = utcnow().astimezone(CHINA).date().isoformat()
    payload = json.dumps([FINGERPRINT_VERSION, today, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _subject_fingerprint(spec: DocumentSpec, fmt: ReportFormat, actor: Actor, version: list[Any]) -> str:
    return fingerprint(spec.kind, fmt.value, spec.subject, _view(actor), version)


def _check_scope(
    subject_id: int | None, fund_type_code: str | None, year: int | None, region_code: str | None
) -> None:
    """Exactly one scope: a subject, or a fund, a year and a region for a batch."""
    batch = {"input.fundTypeCode": fund_type_code, "input.year": year, "input.regionCode": region_code}
    if subject_id is not None:
        problems = [
            FieldProblem(name, "按对象生成时不能同时指定基金类型、年度或区划", ErrorCode.INVALID)
            for name, value in batch.items()
            if value is not None
        ]
    else:
        missing = "请指定 subjectId（或 goalId），或同时指定基金类型、年度和区划（批量生成）"
        problems = [
            FieldProblem(name, missing, ErrorCode.REQUIRED) for name, value in batch.items() if value is None
        ]
    if problems:
        raise ValidationFailed(problems)


def _check_format(label: str, formats: Sequence[ReportFormat], fmt: ReportFormat) -> None:
    if fmt not in formats:
        message = f"{label}只能生成为 {'、'.join(f.value for f in formats)}"
        raise ValidationFailed([FieldProblem("input.format", message, ErrorCode.INVALID)])


def document_spec(kind: str) -> DocumentSpec:
    spec: DocumentSpec | None = registry().documents.get(str(kind))
    if spec is None:
        raise ValidationFailed([FieldProblem("input.kind", f"没有这种报告：{kind}", ErrorCode.NOT_FOUND)])
    return spec


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
        async with savepoint(session):
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
    kind: str,
    fmt: ReportFormat,
    subject_id: int | None,
    fund_type_code: str | None,
    year: int | None,
    region_code: str | None,
    include_drafts: bool = False,
) -> ReportJob:
    """The job for this request: the existing one when the same request was made for the same data (and
    has not failed), else a new QUEUED job — for a batch, a parent and one child per subject (drafts only
    if `include_drafts`). Nothing runs here: after the caller commits, it submits `queued_job_ids(...)` to
    a runner."""
    export = registry().exports.get(str(kind))
    if export is not None:  # a year's records in one file; imported here, as it builds on this module
        from src.reports.jobs.exports import request_export

        _check_format(export.label, export.formats, fmt)
        return await request_export(
            session=session, actor=actor, spec=export, fmt=fmt, subject_id=subject_id, year=year,
            fund_type_code=fund_type_code, region_code=region_code, include_drafts=include_drafts,
        )  # fmt: skip
    spec = document_spec(kind)
    _check_format(spec.label, spec.formats, fmt)
    _check_scope(subject_id, fund_type_code, year, region_code)
    if fmt == ReportFormat.PDF and soffice_path() is None:
        raise PreconditionFailed(PDF_UNAVAILABLE, code=CommonErrorCode.INVALID_ARGUMENT)
    if subject_id is not None:
        return await _request_one(session=session, actor=actor, spec=spec, fmt=fmt, subject_id=subject_id)
    assert fund_type_code is not None and year is not None and region_code is not None
    return await _request_batch(
        session=session,
        actor=actor,
        spec=spec,
        fmt=fmt,
        fund_type_code=fund_type_code,
        year=year,
        region_code=region_code,
        include_drafts=include_drafts,
    )


def _new_job(actor: Actor, spec: DocumentSpec, fmt: ReportFormat, fp: str, **values: Any) -> ReportJob:
    return ReportJob(
        kind=spec.kind,
        format=fmt,
        subject_type=spec.subject,
        requested_by_id=actor.user_id,
        organization_id=actor.organization_id,
        token_region_path=actor.token_region_path,
        fingerprint=fp,
        **values,
    )


async def visible_subject(*, session: AsyncSession, actor: Actor, subject: str, subject_id: int) -> Any:
    """The subject if `actor` may read it; one it may not is reported as absent, like a missing one."""
    spec = registry().subject(subject)
    model_id = spec.model.id
    stmt = select(spec.model).where(model_id == subject_id, spec.clause(actor))
    row = (await session.exec(stmt)).first()
    if row is None:
        raise NotFound(spec.label, subject_id)
    return row


async def _request_one(
    *, session: AsyncSession, actor: Actor, spec: DocumentSpec, fmt: ReportFormat, subject_id: int
) -> ReportJob:
    subject = await visible_subject(session=session, actor=actor, subject=spec.subject, subject_id=subject_id)
    fp = _subject_fingerprint(spec, fmt, actor, (await spec.versions(session, [subject]))[subject_id])
    existing = await _live_job(session, fp)
    if existing is not None:
        return existing
    job = _new_job(
        actor,
        spec,
        fmt,
        fp,
        subject_id=subject_id,
        fund_type_id=getattr(
            subject, "fund_type_id", None
        ),  # a subject of every fund (a compilation) has none
        region_id=subject.region_id,
        progress_total=1,
    )
    recorded = partial(audit.created, session=session, actor=actor, operation="reportRequest", row=job)
    winner = await _insert_or_live(session, fp, recorded, job)
    if winner is job:  # a new job is new data for whoever may see it (an existing one is not)
        await job_changed(session=session, job=job, actor=actor)
    return winner


async def _request_batch(
    *,
    session: AsyncSession,
    actor: Actor,
    spec: DocumentSpec,
    fmt: ReportFormat,
    fund_type_code: str,
    year: int,
    region_code: str,
    include_drafts: bool,
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
    if spec.batch is None:
        problems.append(FieldProblem("input.kind", "这种报告不能批量生成", ErrorCode.INVALID))
    if problems:
        raise ValidationFailed(problems)
    assert fund is not None and region is not None and fund.id is not None and region.id is not None
    assert spec.batch is not None
    subjects: Sequence[Any] = []
    # Asked by whoever may read the region's records of that fund (the batch itself is seen by whoever may
    # read every document in it).
    place = RecordScope(
        region_id=region.id,
        region_path=region.path,
        fund_type_id=fund.id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
    )
    if policy.visible(actor, place):
        scope = BatchScope(fund.id, fund.code, region.id, region.code, region.path, year, include_drafts)
        subjects = await spec.batch(session, actor, scope, MAX_BATCH_DOCUMENTS + 1)
    if not subjects:
        drafts = "" if include_drafts else "（不含草稿；需要草稿时请指定 includeDrafts）"
        what = f"{year} 年度{fund.name_zh}{spec.batch_label}{drafts}"
        message = f"{region.name}（含下级）没有您可查看的 {what}"
        raise ValidationFailed([FieldProblem("input.regionCode", message, ErrorCode.NOT_FOUND)])
    if len(subjects) > MAX_BATCH_DOCUMENTS:
        raise ValidationFailed(
            [
                FieldProblem(
                    "input.regionCode",
                    f"一次最多生成 {MAX_BATCH_DOCUMENTS} 份文档，请选择下一级区划分批生成",
                    ErrorCode.OUT_OF_RANGE,
                )
            ]
        )
    versions = await spec.versions(session, subjects)
    batch_scope = [fund.id, region.id, year, include_drafts]
    fp = fingerprint(spec.kind, fmt.value, "batch", batch_scope, _view(actor), list(versions.values()))
    existing = await _live_job(session, fp)
    if existing is not None:
        return existing
    place_ids = {"fund_type_id": fund.id, "region_id": region.id, "year": year}
    seen_by = await _held_scope(session, spec.subject, subjects, place)
    parent = _new_job(actor, spec, fmt, fp, **place_ids, **seen_by, progress_total=len(subjects))
    recorded = partial(
        audit.created,
        session=session,
        actor=actor,
        operation="reportRequest",
        row=parent,
        extra={"subject_ids": [s.id for s in subjects]},
    )
    winner = await _insert_or_live(session, fp, recorded, parent)
    if winner is not parent:
        return winner
    children = [
        _new_job(
            actor,
            spec,
            fmt,
            _subject_fingerprint(spec, fmt, actor, versions[s.id]),
            subject_id=s.id,
            fund_type_id=s.fund_type_id,
            region_id=s.region_id,
            parent_id=parent.id,
            progress_total=1,
        )
        for s in subjects
    ]
    session.add_all(children)
    await session.flush()
    # Each new job is an event, seen by whoever may see that job (the subjects' regions, which their scopes
    # read, were read in one statement by _held_scope).
    for job in [parent, *children]:
        await job_changed(session=session, job=job, actor=actor)
    return parent


async def _held_scope(
    session: AsyncSession, subject_name: str, subjects: Sequence[Any], place: RecordScope
) -> dict[str, Any]:
    """The columns of a batch's parent that keep who may see it: whoever may read every document it holds
    (combined_scope of its subjects' scopes as they are now)."""
    subject = registry().subject(subject_name)
    await keep_rows(session, Region, {s.region_id for s in subjects})
    scopes = [await subject.scope(session, s) for s in subjects]
    paths = {scope.region_path for scope in scopes}
    ancestors = {path[: end + 1] for path in paths for end, c in enumerate(path) if c == "/" and end}
    found = await session.exec(select(Region.path, Region.id).where(col(Region.path).in_(sorted(ancestors))))
    ids: dict[str, int] = {path: region_id for path, region_id in found.all() if region_id is not None}
    held = combined_scope(scopes, ids.__getitem__)
    if held.administrations != place.administrations:  # the parent's SQL reads them from its fund
        raise RuntimeError(f"{subject_name} batches are addressed otherwise than their fund")
    return {
        "scope_region_id": held.region_id,
        "scope_top_region_id": ids[held.top_path] if held.top_path is not None else None,
        "scope_draft": held.draft,
        "scope_hidden_below": held.hidden_below,
    }


async def queued_job_ids(*, session: AsyncSession, job: ReportJob) -> list[int]:
    """What a runner must run for `job`, if it is still QUEUED: the job itself (a batch's parent runs its
    children).

    Submitting a job twice is harmless (run_job claims it once), so asking again for a job that is still
    queued hands it to the runner again: one left queued by a process that stopped gets its run."""
    return [job.id] if job.id is not None and job.status == ReportJobStatus.QUEUED else []
