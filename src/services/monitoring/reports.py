"""运行监控情况报告 (Art. 13 「社会保险经办机构商税务部门具体实施绩效运行监控、形成运行监控情况报告」):
the agency of a pooling region drafts it for one fund and the period 1-N月 — the month closing a monitoring
period under the region's rule MONITORING_PERIODS, or 12 for the year — on the annual goal in force; its
narrative is the agency's (执行进展, 存在问题, 改进措施), its tables come from the monitoring data
(report_tables.py). Every edit counts the content revision up, which voids the tax department's
concurrence (report_workflow.py), as a goal's edits do (src/services/goals/tax.py).
"""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.db import savepoint
from src.models import FundType, Goal, Region
from src.models.enums import GoalHorizon
from src.models.monitoring import MonitoringReport, MonitoringReportEventKind, MonitoringReportStatus
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrence import revised
from src.services.concurrency import claim
from src.services.errors import (
    Conflict,
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.filters import narrow
from src.services.monitoring import narrative
from src.services.monitoring.comparison import is_period_end, period_months
from src.services.monitoring.scope import REPORT_DRAFTS, report_scope, visible_reports_clause
from src.services.pooling import pooling_level, pooling_region_level
from src.services.rows import kept_row
from src.services.rules import rules_for
from src.subjects.events import record_event

ENTITY = "运行监控情况报告"
TEXTS = ("progress", "problems", "measures")
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class ReportDraft:
    """What the agency gives to draft a report (monitoringReportCreate)."""

    fund_type_code: str
    region_code: str
    year: int
    month: int
    progress: str = ""
    problems: str = ""
    measures: str = ""


@dataclass(frozen=True)
class ReportText:
    """An edit of the narrative: the parts given (None: unchanged)."""

    progress: str | None = None
    problems: str | None = None
    measures: str | None = None


def period_label(month: int) -> str:
    """1-N月 (FORMS §3: the cumulative period the figures cover)."""
    return f"1-{month}月"


async def report_policy_scope(session: AsyncSession, report: MonitoringReport) -> policy.Scope:
    region = await kept_row(session, Region, report.region_id)
    fund = await kept_row(session, FundType, report.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )


async def visible_report(
    *, session: AsyncSession, actor: Actor, report_id: int
) -> tuple[MonitoringReport, policy.Scope]:
    """The report and its policy scope if `actor` may read it; one it may not is reported as absent, like a
    missing one, so a mutation reveals no more than a query."""
    report = await session.get(MonitoringReport, report_id)
    if report is None or not policy.visible(actor, await report_scope(session, report)):
        raise NotFound(ENTITY, report_id)
    return report, await report_policy_scope(session, report)


async def goal_in_force(
    session: AsyncSession, *, region_id: int, fund_type_id: int, year: int
) -> Goal | None:
    """The annual goal issued (guiding or formal, Art. 10) for the fund, region and year: what monitoring
    compares against."""
    stmt = select(Goal).where(
        Goal.region_id == region_id,
        Goal.fund_type_id == fund_type_id,
        Goal.horizon == GoalHorizon.ANNUAL,
        Goal.start_year == year,
        col(Goal.status).in_(list(policy.ISSUED_STATES)),
    )
    return (await session.exec(stmt.order_by(col(Goal.version).desc()))).first()


async def _period_problems(
    session: AsyncSession, draft: ReportDraft, fund: FundType, region: Region
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if draft.year not in YEARS:
        problems.append(FieldProblem("input.year", "年度须在 2000 至 2100 之间", ErrorCode.OUT_OF_RANGE))
        return problems
    assert fund.id is not None and region.id is not None
    try:
        level = await pooling_level(session=session, fund_type_id=fund.id, year=draft.year)
    except NotFound:
        level = None
    if level is None or pooling_region_level(level) != region.level:
        problems.append(FieldProblem("input.regionCode", f"{region.name}不是该险种{draft.year}年的统筹地区"))
    rules = await rules_for(session=session, region_id=region.id)
    if not 1 <= draft.month <= 12:
        problems.append(FieldProblem("input.month", "月份须在 1 至 12 之间", ErrorCode.OUT_OF_RANGE))
    elif draft.month != 12 and not is_period_end(draft.month, rules.monitoring_periods):
        months = "、".join(str(m) for m in period_months(rules.monitoring_periods))
        problems.append(
            FieldProblem("input.month", f"{draft.month}月不是本地区监控期末（按实施细则为{months}月）或年末")
        )
    return problems


async def create_report(*, session: AsyncSession, actor: Actor, draft: ReportDraft) -> MonitoringReport:
    """A new draft report (DRAFT, content revision 0) of the fund, region and period."""
    fund = (await session.exec(select(FundType).where(FundType.code == draft.fund_type_code))).first()
    if fund is None:
        raise NotFound("险种", draft.fund_type_code)
    region = (await session.exec(select(Region).where(Region.code == draft.region_code))).first()
    if region is None:
        raise NotFound("行政区划", draft.region_code)
    assert fund.id is not None and region.id is not None
    scope = policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
    policy.require(actor, policy.Action.MONITORING_REPORT_DRAFT, scope)
    texts, problems = narrative.check({name: getattr(draft, name) for name in TEXTS})
    problems += await _period_problems(session, draft, fund, region)
    if problems:
        raise ValidationFailed(problems)
    if await goal_in_force(session, region_id=region.id, fund_type_id=fund.id, year=draft.year) is None:
        raise PreconditionFailed(
            f"{region.name}{draft.year}年{fund.name_zh}尚无已下达的年度绩效目标，运行监控无从比较（第十三条）",
            code=MonitoringReportErrorCode.GOAL_NOT_IN_FORCE,
        )
    report = MonitoringReport(
        region_id=region.id,
        fund_type_id=fund.id,
        year=draft.year,
        month=draft.month,
        drafter_organization_id=actor.organization_id,
        progress=texts["progress"],
        problems=texts["problems"],
        measures=texts["measures"],
    )
    try:  # a report made at the same moment for the same period wins; this one is told so
        async with savepoint(session):
            session.add(report)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{draft.year}年{period_label(draft.month)}{fund.name_zh}运行监控情况报告已存在",
            code=MonitoringReportErrorCode.MONITORING_REPORT_EXISTS,
        ) from None
    await audit.created(session=session, actor=actor, operation="monitoringReportCreate", row=report)
    await announce(session, actor, report, "monitoringReportCreate", list(texts))
    return report


def require_editable(report: MonitoringReport, operation: str) -> None:
    if report.status not in REPORT_DRAFTS:
        raise InvalidTransition(
            f"报告当前状态为“{report.status.value}”，只有草稿或已退回的报告可以修改",
            current_status=report.status.value,
            operation=operation,
            code=GoalErrorCode.NOT_EDITABLE,
        )


async def update_report(
    *, session: AsyncSession, actor: Actor, report_id: int, row_version: int, text: ReportText
) -> MonitoringReport:
    """Edit the narrative of a draft or returned report; the content revision counts up, so the tax
    department's concurrence no longer holds."""
    report, scope = await visible_report(session=session, actor=actor, report_id=report_id)
    policy.require(actor, policy.Action.MONITORING_REPORT_DRAFT, scope)
    require_editable(report, "monitoringReportUpdate")
    texts = narrative.checked({name: getattr(text, name) for name in TEXTS})
    changed = [name for name, value in texts.items() if getattr(report, name) != value]
    async with audit.changing(session=session, actor=actor, operation="monitoringReportUpdate", row=report):
        await claim(
            session=session,
            row=report,
            expected_version=row_version,
            extra_where=(col(MonitoringReport.status) == report.status,),
        )
        for name, value in texts.items():
            setattr(report, name, value)
        revised(report)
    await announce(session, actor, report, "monitoringReportUpdate", changed)
    return report


async def announce(
    session: AsyncSession, actor: Actor, report: MonitoringReport, operation: str, fields: list[str]
) -> None:
    payload = {"operation": operation, "contentRevision": report.content_revision, "fields": fields}
    await record_event(
        session=session,
        kind=MonitoringReportEventKind.MONITORING_REPORT_CHANGED,
        subject=report,
        actor=actor,
        payload=payload,
    )


@dataclass(frozen=True)
class ReportQuery:
    year: int | None = None
    month: int | None = None
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    statuses: tuple[MonitoringReportStatus, ...] = ()


def reports_select(query: ReportQuery, actor: Actor) -> SelectOfScalar[MonitoringReport]:
    """The reports `actor` may read that match `query`."""
    stmt = select(MonitoringReport).where(visible_reports_clause(actor))
    if query.year is not None:
        stmt = stmt.where(MonitoringReport.year == query.year)
    if query.month is not None:
        stmt = stmt.where(MonitoringReport.month == query.month)
    if query.statuses:
        stmt = stmt.where(col(MonitoringReport.status).in_([s.value for s in query.statuses]))
    return narrow(
        stmt, query, region_column=MonitoringReport.region_id, fund_column=MonitoringReport.fund_type_id
    )
