"""运行监控情况报告 (Art. 13) of one report, as a GB/T 9704 document of the agency that drafts it with the
tax department: no 版头 (the agency's report carries no number here; a draft shows 草稿), the title, 主送
the region's finance and the supervising department that accept it, an opening paragraph, 一、执行进展 (a
generated overview, the agency's text, the lights of the indicators as a coloured table, the indicators and
the budget execution with their lights), 二、存在问题 (the agency's text and the warnings with their
responses), 三、改进措施, the signature and the 版记 (抄送 the tax department).

Keys (display strings or lists of them): `draft_mark`, `title`, `title_lines`, `recipients`, `body`,
`period`, `overview`, `progress_paragraphs`, `problems_paragraphs`, `measures_paragraphs`, `counts` (by
light word), `rows` (monitoring_rows.report_rows), `elapsed`, `budget_rows` (monitoring_rows.execution_rows),
`warnings` (monitoring_rows.warning_rows), `signer`, `date`, `cc`, `printer`, `print_date` (the day it was
submitted: 成文日期 and 印发日期; "" before).
"""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.reports.contexts.goal_table import date_zh
from src.reports.contexts.monitoring_common import (
    REGULATION,
    bodies,
    fund_name,
    fund_words,
    paragraphs,
    pct,
    title_lines,
)
from src.reports.contexts.monitoring_rows import (
    execution_rows,
    light_counts,
    ordered_lines,
    overview,
    report_rows,
    warning_rows,
)
from src.reports.contexts.monitoring_table import DRAFT_MARK, readable_report, report_parts
from src.services.actors import Actor
from src.services.monitoring.reports import period_label
from src.services.monitoring.scope import REPORT_DRAFTS


async def monitoring_report_context(*, session: AsyncSession, actor: Actor, report_id: int) -> dict[str, Any]:
    report = await readable_report(session, actor, report_id)
    region, fund, tables = await report_parts(session, report)
    found = await bodies(session, [region.id or 0])
    period = period_label(report.month)
    agency, tax = found.agency(region, fund), found.tax(region)
    words = [region.name, f"{report.year}年", *fund_words(fund), period, "运行监控情况报告"]
    subject = f"{region.name}{report.year}年{period}{fund_name(fund)}"
    opening = (
        f"根据{REGULATION}第十三条规定，{agency}商{tax}，对{subject}绩效目标实现情况和预算执行进度开展了"
        "运行监控，现将有关情况报告如下。"
    )
    date = date_zh(report.submitted_at) if report.submitted_at is not None else ""
    return {
        "draft_mark": DRAFT_MARK if report.status in REPORT_DRAFTS else "",
        "title": "".join(words),
        "title_lines": title_lines(words),
        "recipients": f"{found.finance(region)}、{found.department(region, fund)}：",
        "body": [opening],
        "period": period,
        "overview": overview(tables),
        "progress_paragraphs": paragraphs(report.progress),
        "problems_paragraphs": paragraphs(report.problems),
        "measures_paragraphs": paragraphs(report.measures),
        "counts": light_counts(tables),
        "rows": report_rows(await ordered_lines(session, tables)),
        "elapsed": pct(tables.elapsed),
        "budget_rows": execution_rows(tables.execution),
        "warnings": warning_rows(tables.warnings),
        "signer": agency,
        "date": date,
        "cc": f"{tax}。",
        "printer": agency,
        "print_date": date,
    }
