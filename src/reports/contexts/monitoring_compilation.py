"""The January compilation (Art. 13) as the GB/T 9704 document a prefecture's finance sends: its red 版头
with the number drawn when it was sent (a draft shows 草稿), the title, 主送 the four provincial bodies
(财政厅、人社厅、省医保局、省税务局), the opening paragraph, 一、总体情况 (a generated overview, the compiled
table — each fund of the prefectures' pooling with its goal's light, its indicators by light, its spending's
execution and light, its open warnings — and finance's text), 二、存在问题, 三、改进措施, 附件 (the reports
compiled), the signature and the 版记 (抄送 the prefecture's departments and tax).

Keys: the shared ones (`issued`, `draft_mark`, `issuer`, `doc_number`, `title`, `title_lines`,
`recipients`, `body`, `signer`, `date`, `cc`, `printer`, `print_date`), `overview`, `summary_paragraphs`,
`problems_paragraphs`, `measures_paragraphs`, `rows` [{fund, goal_light, red, yellow, green, blue,
spending, execution_light, warnings}] and `attachments` ("1.成都市2025年…1-12月运行监控情况报告").
"""

from typing import Any

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Organization, Region
from src.models.enums import ActorType, BudgetLineCategory
from src.models.monitoring import (
    CompilationStatus,
    Light,
    MonitoringCompilation,
    MonitoringReport,
    WarningStatus,
)
from src.reports.contexts.goal_table import date_zh
from src.reports.contexts.monitoring_common import (
    NONE,
    REGULATION,
    bodies,
    fund_name,
    light_word,
    paragraphs,
    pct,
    title_lines,
)
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.monitoring.compilation_reads import (
    ENTITY,
    CompilationQuery,
    compilations_select,
    compiled_reports,
    prefecture_funds,
)
from src.services.monitoring.compilation_recipients import RECIPIENT_NAMES, RECIPIENT_TYPES
from src.services.monitoring.report_tables import MonitoringTables, monitoring_tables
from src.services.monitoring.reports import period_label

NOT_REPORTED = "未报"
OPEN = (WarningStatus.OPEN, WarningStatus.RESPONSE_DRAFT)


def _row(name: str, tables: MonitoringTables | None) -> dict[str, str]:
    if tables is None:
        return {
            "fund": name,
            "goal_light": NOT_REPORTED,
            "red": NONE,
            "yellow": NONE,
            "green": NONE,
            "blue": NONE,
            "spending": NONE,
            "execution_light": NOT_REPORTED,
            "warnings": NONE,
        }
    counts = tables.light_counts()
    spending = tables.total(BudgetLineCategory.EXPENDITURE)
    return {
        "fund": name,
        "goal_light": light_word(tables.goal_light),
        **{
            key: str(counts[light])
            for key, light in (
                ("red", Light.RED),
                ("yellow", Light.YELLOW),
                ("green", Light.GREEN),
                ("blue", Light.BLUE),
            )
        },
        "spending": pct(spending.rate) if spending is not None else NONE,
        "execution_light": light_word(spending.lit.light) if spending is not None else light_word(Light.NONE),
        "warnings": str(sum(1 for w in tables.warnings if w.warning.status in OPEN)),
    }


async def _table(
    session: AsyncSession, compilation: MonitoringCompilation, region: Region, reports: list[MonitoringReport]
) -> tuple[list[dict[str, str]], list[str], list[MonitoringTables]]:
    """A row per fund of the prefectures' pooling (未报 where no accepted year-end report is), and the
    attachments: the reports compiled."""
    funds = {f.id or 0: f for f in await prefecture_funds(session, compilation.year)}
    for report in reports:  # a report of a fund pooled otherwise that year still counts
        if report.fund_type_id not in funds:
            fund = await session.get(FundType, report.fund_type_id)
            assert fund is not None
            funds[report.fund_type_id] = fund
    rows: list[dict[str, str]] = []
    attachments: list[str] = []
    compiled: list[MonitoringTables] = []
    for fund_id, fund in funds.items():
        own = [r for r in reports if r.fund_type_id == fund_id]
        if not own:
            rows.append(_row(fund_name(fund), None))
        for report in own:
            place = await session.get(Region, report.region_id)
            assert place is not None
            tables = await monitoring_tables(
                session,
                region_id=report.region_id,
                fund_type_id=fund_id,
                year=report.year,
                month=report.month,
            )
            compiled.append(tables)
            name = fund_name(fund) if place.id == region.id else f"{fund_name(fund)}（{place.name}）"
            rows.append(_row(name, tables))
            attachments.append(
                f"{len(attachments) + 1}.{place.name}{report.year}年{fund_name(fund)}"
                f"{period_label(report.month)}运行监控情况报告"
            )
    return rows, attachments, compiled


def _overview(region: Region, year: int, compiled: list[MonitoringTables], missing: int) -> str:
    lights = [t.goal_light for t in compiled]
    counted = "、".join(
        f"{light_word(x)}{lights.count(x)}个"
        for x in (Light.RED, Light.YELLOW, Light.GREEN, Light.BLUE)
        if lights.count(x)
    )
    text = f"{region.name}共汇总{len(compiled)}个基金{year}年全年运行监控情况报告"
    if counted:
        text += f"，绩效目标监控结果为{counted}"
    if missing:
        text += f"；另有{missing}个基金的全年报告尚未审核通过，未予汇总"
    return text + "。"


async def monitoring_compilation_context(
    *, session: AsyncSession, actor: Actor, compilation_id: int
) -> dict[str, Any]:
    stmt = compilations_select(CompilationQuery(), actor).where(
        col(MonitoringCompilation.id) == compilation_id
    )
    compilation = (await session.exec(stmt)).first()
    if compilation is None:
        raise NotFound(ENTITY, compilation_id)
    region = await session.get(Region, compilation.region_id)
    assert region is not None
    province_id = region.parent_id or region.id or 0
    found = await bodies(session, [region.id or 0, province_id])
    province = await session.get(Region, province_id)
    assert province is not None
    sender = await session.get(Organization, compilation.organization_id)
    issuer = sender.name if sender is not None else found.finance(region)
    reports = await compiled_reports(session, compilation)
    rows, attachments, compiled = await _table(session, compilation, region, reports)
    missing = sum(1 for r in rows if r["goal_light"] == NOT_REPORTED)
    issued = compilation.status == CompilationStatus.SENT and compilation.sent_at is not None
    date = date_zh(compilation.sent_at) if issued and compilation.sent_at is not None else ""
    words = [region.name, f"{compilation.year}年", "社会保险基金", "运行监控情况汇总报告"]
    names = [found.name(province, t) or RECIPIENT_NAMES[t] for t in RECIPIENT_TYPES]
    copied = [found.name(region, t) for t in (ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX)]
    opening = (
        f"根据{REGULATION}第十三条规定，现将{region.name}{compilation.year}年社会保险基金运行监控情况"
        "汇总报告如下。"
    )
    return {
        "issued": issued,
        "draft_mark": "" if issued else "草稿",
        "issuer": issuer,
        "doc_number": (compilation.document_number or "") if issued else "",
        "title": "".join(words),
        "title_lines": title_lines(words),
        "recipients": "、".join(names) + "：",
        "body": [opening],
        "overview": _overview(region, compilation.year, compiled, missing),
        "summary_paragraphs": paragraphs(compilation.summary),
        "problems_paragraphs": paragraphs(compilation.problems),
        "measures_paragraphs": paragraphs(compilation.measures),
        "rows": rows,
        "attachments": attachments,
        "signer": issuer,
        "date": date,
        "cc": "、".join(n for n in copied if n) + "。" if any(copied) else "",
        "printer": issuer,
        "print_date": date,
    }
