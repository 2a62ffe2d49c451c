"""Export jobs: a year's records in one file (GOALS_XLSX), no one subject's (src/subjects/documents.py
ExportSpec). Requested with a year and, optionally, a fund and a region (with the regions below it); run as
the requester (it holds what the requester reads), written to a temporary file in partitions, then stored
like any document. The job is its requester's alone (and the administrators'): the file holds what that user
reads, which others of its region need not (scope.py)."""

import asyncio
import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.enums import Administration
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports.jobs.common import MESSAGE_INTERRUPTED, MESSAGE_REQUESTER_GONE, JobFailed, job_changed
from src.reports.jobs.outcomes import fail, record_failure, safe_file_name, store
from src.reports.jobs.requesting import _insert_or_live, _live_job, _view, fingerprint
from src.reports.storage import Storage
from src.services import audit, policy
from src.services.actors import Actor, load_actor
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.rows import kept_row
from src.subjects.documents import ExportScope, ExportSpec
from src.subjects.registry import registry
from src.subjects.scope import RecordScope


def is_export(job: ReportJob) -> bool:
    return job.kind in registry().exports


async def request_export(
    *,
    session: AsyncSession,
    actor: Actor,
    spec: ExportSpec,
    fmt: ReportFormat,
    subject_id: int | None,
    fund_type_code: str | None,
    year: int | None,
    region_code: str | None,
    include_drafts: bool,
) -> ReportJob:
    """The export's job: the existing one when the same request was made for unchanged data, else a new
    QUEUED job at the requester's region (its place: who else may see it is decided by its owner)."""
    fund = region = None
    if fund_type_code is not None:
        fund = (await session.exec(select(FundType).where(FundType.code == fund_type_code))).first()
    if region_code is not None:
        region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    problems = []
    if subject_id is not None:
        problems.append(
            FieldProblem("input.subjectId", f"{spec.label}按年度生成，不指定对象", ErrorCode.INVALID)
        )
    if year is None:
        problems.append(FieldProblem("input.year", f"请指定{spec.label}的年度", ErrorCode.REQUIRED))
    if fund_type_code is not None and fund is None:
        problem = FieldProblem("input.fundTypeCode", f"基金类型不存在：{fund_type_code}", ErrorCode.NOT_FOUND)
        problems.append(problem)
    everywhere = frozenset(Administration)
    if region_code is not None and not (
        region is not None
        and region.id is not None
        and policy.visible(actor, RecordScope(region.id, region.path, administrations=everywhere))
    ):
        problems.append(FieldProblem("input.regionCode", f"区划不存在：{region_code}", ErrorCode.NOT_FOUND))
    if problems:
        raise ValidationFailed(problems)
    assert year is not None
    fund_id = fund.id if fund is not None else None
    region_id = region.id if region is not None else None
    scope = ExportScope(year, fund_id, region.path if region is not None else None, include_drafts)
    version = await spec.version(session, scope)
    place = [year, fund_id, region_id, include_drafts]
    fp = fingerprint(spec.kind, fmt.value, "export", place, _view(actor), actor.user_id, version)
    existing = await _live_job(session, fp)
    if existing is not None:
        return existing
    job = ReportJob(
        kind=spec.kind,
        format=fmt,
        subject_type=spec.subject,
        requested_by_id=actor.user_id,
        organization_id=actor.organization_id,
        token_region_path=actor.token_region_path,
        fingerprint=fp,
        year=year,
        fund_type_id=fund_id,
        region_id=actor.region_id,
        scope_region_id=region_id,  # the region asked for (None: wherever the requester reads)
        scope_draft=include_drafts,
        progress_total=1,
    )
    recorded = partial(audit.created, session=session, actor=actor, operation="reportRequest", row=job)
    winner = await _insert_or_live(session, fp, recorded, job)
    if winner is job:
        await job_changed(session=session, job=job, actor=actor)
    return winner


async def _scope(session: AsyncSession, job: ReportJob) -> ExportScope:
    assert job.year is not None
    region = await kept_row(session, Region, job.scope_region_id) if job.scope_region_id else None
    path = region.path if region is not None else None
    return ExportScope(job.year, job.fund_type_id, path, job.scope_draft)


async def _file_stem(session: AsyncSession, job: ReportJob, label: str) -> str:
    """2026年度成都市职工基本医疗保险基金年度绩效目标汇总表: the year, the region and fund asked for."""
    region = await kept_row(session, Region, job.scope_region_id) if job.scope_region_id else None
    fund = await kept_row(session, FundType, job.fund_type_id) if job.fund_type_id else None
    names = "".join(x.name if isinstance(x, Region) else x.name_zh for x in (region, fund) if x is not None)
    return f"{job.year}年度{names}{label}"


async def run_export(
    sessionmaker: async_sessionmaker[AsyncSession], storage: Storage, job: ReportJob
) -> None:
    """Writes the export as its requester reads the data now, stores it and records the outcome."""
    spec: ExportSpec = registry().exports[job.kind]
    try:
        with tempfile.TemporaryDirectory(prefix="fundperf-export-") as directory:
            path = Path(directory) / "export.xlsx"
            async with sessionmaker() as session:
                actor = await load_actor(session=session, user_id=job.requested_by_id)
                if actor is None:
                    raise JobFailed(MESSAGE_REQUESTER_GONE)
                actor = replace(actor, token_region_path=job.token_region_path)
                await spec.write(session=session, actor=actor, scope=await _scope(session, job), path=path)
                stem = await _file_stem(session, job, spec.label)
            data = await asyncio.to_thread(path.read_bytes)
        file_name = safe_file_name(stem, job.kind, job.format)
        values = {"status": ReportJobStatus.SUCCEEDED, "error": None, "file_name": file_name, "pages": None}
        await store(sessionmaker, storage, job, data, "xlsx", values)
    except asyncio.CancelledError:
        await asyncio.shield(fail(sessionmaker, job, MESSAGE_INTERRUPTED))
        raise
    except Exception as exc:
        await record_failure(sessionmaker, job, exc)
