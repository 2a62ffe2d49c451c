"""Demo compilations (Art. 13 「各市（州）财政部门牵头…于每年1月底前汇总上年运行监控情况报告…报送财政厅、
人社厅、省医保局、省税务局」): January 2026's, of 2025, by several prefectures' finance — sent by the end of
January, one sent late, one still a draft — each addressed to the four provincial bodies, some of which
acknowledged it.

A sent compilation carries its number from its finance bureau's sequence of the 财社 family, as the
compilation service numbers it (COMPILATION_NUMBER, src/domains/monitoring.py: a social-security fund
document of a finance department's 社会保障 division, 成财社〔2026〕n号, in the same sequence as the goals
the bureau issues), recorded as DocumentNumber so that numbering goes on after it. Written as rows; the
compilation service can take their place.
"""

import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber, Region
from src.models.enums import ActorType
from src.models.monitoring import (
    CompilationStatus,
    Light,
    MonitoringCompilation,
    MonitoringCompilationRecipient,
)
from src.reports.numbering import document_prefix
from src.seed.demo.context import row_id
from src.seed.demo.figures import EXPENDITURE_ITEMS, REVENUE_ITEMS
from src.seed.demo.monitoring_bodies import Bodies, body
from src.seed.demo.monitoring_reports import REPORTED_YEAR, YEAR_END, YearEnd, light_counts, yi
from src.seed.demo.monitoring_scopes import at_office_hours
from src.services.rules import rules_for_region
from src.subjects.documents import FINANCE_SOCIAL_SECURITY

# Prefecture → day of January 2026 it sent its compilation; None: still a draft. 雅安市 sent late (Feb 3).
COMPILATIONS: dict[str, tuple[int, int] | None] = {
    "510100": (1, 23),
    "510300": (1, 27),
    "510400": (1, 20),
    "510700": (1, 29),
    "511100": (1, 26),
    "511800": (2, 3),
    "511500": None,
}
DRAFTING = "511500"
FAMILY = FINANCE_SOCIAL_SECURITY  # 财社: as COMPILATION_NUMBER numbers a sent compilation
RECIPIENTS = (ActorType.FINANCE, ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX)


def compilation_texts(prefecture: Region, year_ends: list[YearEnd], bodies: Bodies) -> tuple[str, str, str]:
    """总体情况, 存在问题, 改进措施 of a prefecture's compilation."""

    def names(actor: ActorType) -> str:
        return body(bodies, prefecture, actor, None)[2]

    revenue = sum((y.execution.whole[i][YEAR_END] for y in year_ends for i in REVENUE_ITEMS), Decimal(0))
    spent = sum((y.execution.whole[i][YEAR_END] for y in year_ends for i in EXPENDITURE_ITEMS), Decimal(0))
    lights = [light for y in year_ends for light in y.lights]
    warnings = sum(y.warnings for y in year_ends)
    funds = "、".join(y.scope.fund.name_zh for y in year_ends)
    summary = (
        f"{names(ActorType.FINANCE)}牵头，会同{prefecture.name}人力资源和社会保障局、医疗保障局和"
        f"{names(ActorType.TAX)}，汇总了本地区{REPORTED_YEAR}年{len(year_ends)}个社会保险基金（{funds}）的"
        f"运行监控情况报告。全年上述基金收入合计{yi(revenue)}亿元、支出合计{yi(spent)}亿元。年末"
        f"{light_counts(lights)}；全年共提示警示{warnings}次，均已处置。"
    )
    red = Counter(name for y in year_ends for name, light in y.lights if light == Light.RED)
    problems = (
        f"个别指标年末仍未达到预期：{'、'.join(red)}。"
        if red
        else "年度内部分指标阶段性进度偏慢，已督促整改。"
    ) + "基金收入增长放缓与待遇支出刚性增长的矛盾依然存在。"
    measures = (
        "一是健全按月调度、按季监控的工作机制；二是强化监控结果运用，将偏差整改情况纳入绩效自评；"
        "三是加强部门协同，共同做好基金征缴、支付和风险防控工作。"
    )
    return summary, problems, measures


async def _number(
    session: AsyncSession, prefecture: Region, organization_id: int, compilation_id: int, at: datetime
) -> str:
    """The next number of the finance bureau's 财社 sequence of the year, recorded."""
    rules = await rules_for_region(session=session, region=prefecture)
    prefix = document_prefix(rules.document_abbreviation, FAMILY)
    stmt = select(sa.func.max(DocumentNumber.sequence)).where(
        DocumentNumber.organization_id == organization_id,
        DocumentNumber.family == FAMILY,
        DocumentNumber.year == at.year,
    )
    sequence = ((await session.exec(stmt)).one() or 0) + 1
    text = f"{prefix}〔{at.year}〕{sequence}号"
    session.add(
        DocumentNumber(
            organization_id=organization_id,
            family=FAMILY,
            year=at.year,
            sequence=sequence,
            subject_type="MonitoringCompilation",
            subject_id=compilation_id,
            prefix=prefix,
            text=text,
            created_at=at,
        )
    )
    return text


async def add_compilations(
    session: AsyncSession,
    rng: random.Random,
    prefectures: list[Region],
    province: Region,
    year_ends: list[YearEnd],
    bodies: Bodies,
) -> tuple[int, int]:
    """The compilations and their recipients; how many of each."""
    recipients = [body(bodies, province, actor, None)[0] for actor in RECIPIENTS]
    made = 0
    addressed: list[MonitoringCompilationRecipient] = []
    for prefecture in [p for p in prefectures if p.code in COMPILATIONS]:
        sent_on = COMPILATIONS[prefecture.code]
        finance = body(bodies, prefecture, ActorType.FINANCE, None)[0]
        area = [y for y in year_ends if y.scope.region.code == prefecture.code]
        summary, problems, measures = compilation_texts(prefecture, area, bodies)
        sent_at = None if sent_on is None else at_office_hours(date(REPORTED_YEAR + 1, *sent_on), rng)
        drafted_at = at_office_hours(date(REPORTED_YEAR + 1, 1, rng.randint(12, 18)), rng)
        compilation = MonitoringCompilation(
            region_id=row_id(prefecture),
            year=REPORTED_YEAR,
            status=CompilationStatus.DRAFT if sent_at is None else CompilationStatus.SENT,
            summary=summary,
            problems=problems,
            measures=measures,
            organization_id=finance,
            sent_at=sent_at,
            row_version=1 if sent_at is None else 2,
            created_at=drafted_at,
            updated_at=sent_at or drafted_at,
        )
        session.add(compilation)
        await session.flush()
        made += 1
        if sent_at is None:
            continue  # addressed when sent: a draft is not before anyone above
        compilation.document_number = await _number(
            session, prefecture, finance, row_id_of(compilation), sent_at
        )
        for organization_id in recipients:
            read = rng.random() < 0.7
            acknowledged = sent_at + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
            addressed.append(
                MonitoringCompilationRecipient(
                    compilation_id=row_id_of(compilation),
                    organization_id=organization_id,
                    acknowledged_at=acknowledged if read else None,
                )
            )
    session.add_all(addressed)
    await session.flush()
    return made, len(addressed)


def row_id_of(row: MonitoringCompilation) -> int:
    assert row.id is not None, "flushed before use"
    return row.id


__all__ = ["DRAFTING", "add_compilations", "col"]
