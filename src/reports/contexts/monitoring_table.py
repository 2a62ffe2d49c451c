"""绩效运行监控表 (FORMS.md §3A) of one report: the goal in force of its pooling region and fund for the
period 1-N月 as a landscape form, filled from the monitoring data (report_tables.py) and signed by the
agency that fills it (填报单位). A form, not a 公文: no 版头, 主送 or 版记.

Keys (display strings, or lists of them): `draft_mark` (草稿 while the report is a draft or returned,
else ""), `title` and `title_lines`, `period` (1-6月: it heads the columns), `filler` (填报单位),
`fund`, `region`, `department` (主管部门), `elapsed` (序时进度), `budget_rows` [{label, initial,
budget, executed, rate, light}] in 万元, `goal_paragraphs` (年初设定目标: the goal's text),
`progress_paragraphs` (1-N月执行情况: the report's 执行进展), `rows` (monitoring_rows.form_rows: the
indicators with their actuals, forecasts, ticked causes, likelihood, light and remark), `signer` and
`date` (the report's submission, "" before).

The report is read through reports_select with the requester's actor: a document never shows more than
the API would to the same person.
"""

from typing import Any

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.monitoring import MonitoringReport
from src.reports.contexts.goal_table import date_zh
from src.reports.contexts.monitoring_common import (
    LANDSCAPE_TITLE_WIDTH,
    NONE,
    bodies,
    fund_name,
    fund_words,
    paragraphs,
    pct,
    title_lines,
)
from src.reports.contexts.monitoring_rows import execution_rows, form_rows, ordered_lines
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.monitoring.report_tables import MonitoringTables, monitoring_tables
from src.services.monitoring.reports import ENTITY, ReportQuery, period_label, reports_select
from src.services.monitoring.scope import REPORT_DRAFTS

DRAFT_MARK = "草稿"


async def readable_report(session: AsyncSession, actor: Actor, report_id: int) -> MonitoringReport:
    stmt = reports_select(ReportQuery(), actor).where(col(MonitoringReport.id) == report_id)
    report = (await session.exec(stmt)).first()
    if report is None:
        raise NotFound(ENTITY, report_id)
    return report


async def report_parts(
    session: AsyncSession, report: MonitoringReport
) -> tuple[Region, FundType, MonitoringTables]:
    region = await session.get(Region, report.region_id)
    fund = await session.get(FundType, report.fund_type_id)
    assert region is not None and fund is not None
    tables = await monitoring_tables(
        session,
        region_id=report.region_id,
        fund_type_id=report.fund_type_id,
        year=report.year,
        month=report.month,
    )
    return region, fund, tables


async def monitoring_table_context(*, session: AsyncSession, actor: Actor, report_id: int) -> dict[str, Any]:
    report = await readable_report(session, actor, report_id)
    region, fund, tables = await report_parts(session, report)
    found = await bodies(session, [region.id or 0])
    period = period_label(report.month)
    words = [region.name, f"{report.year}年", *fund_words(fund), "绩效运行监控表", f"（{period}）"]
    filler = found.agency(region, fund)
    goal_text = tables.goal.content if tables.goal is not None else ""
    date = date_zh(report.submitted_at) if report.submitted_at is not None else ""
    return {
        "draft_mark": DRAFT_MARK if report.status in REPORT_DRAFTS else "",
        "title": "".join(words),
        "title_lines": title_lines(words, LANDSCAPE_TITLE_WIDTH),
        "period": period,
        "filler": filler,
        "fund": fund_name(fund),
        "region": region.name,
        "department": found.department(region, fund),
        "elapsed": pct(tables.elapsed),
        "budget_rows": execution_rows(tables.execution),
        "goal_paragraphs": paragraphs(goal_text) or [NONE],
        "progress_paragraphs": paragraphs(report.progress) or [NONE],
        "rows": form_rows(await ordered_lines(session, tables)),
        "signer": filler,
        "date": date,
    }
