"""Reading compilations: one as its reader may see it, the list, what one compiles and when it is due."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, PoolingArrangement, Region
from src.models.enums import PoolingLevel, RegionLevel
from src.models.monitoring import (
    CompilationStatus,
    MonitoringCompilation,
    MonitoringReport,
    MonitoringReportStatus,
)
from src.reports.numbering import CHINA
from src.services import policy
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.filters import in_region
from src.services.monitoring.scope import compilation_scope, visible_compilations_clause
from src.services.pooling import pooling_region_level
from src.services.rules import rules_for

ENTITY = "运行监控情况汇总报告"
YEAR_END = 12


async def visible_compilation(
    *, session: AsyncSession, actor: Actor, compilation_id: int
) -> tuple[MonitoringCompilation, policy.Scope]:
    """The compilation and its policy scope if `actor` may read it; else NotFound, as for a missing one."""
    compilation = await session.get(MonitoringCompilation, compilation_id)
    if compilation is None or not policy.visible(actor, await compilation_scope(session, compilation)):
        raise NotFound(ENTITY, compilation_id)
    region = await session.get(Region, compilation.region_id)
    assert region is not None
    return compilation, policy.Scope(region_path=region.path, region_level=region.level)


async def compiled_reports(
    session: AsyncSession, compilation: MonitoringCompilation
) -> list[MonitoringReport]:
    """The accepted year-end reports (1-12月) of the compilation's year, of its prefecture and the regions
    below it, every fund: what it compiles. By fund, then region."""
    region = await session.get(Region, compilation.region_id)
    assert region is not None
    stmt = (
        select(MonitoringReport)
        .join(FundType, col(FundType.id) == MonitoringReport.fund_type_id)
        .join(Region, col(Region.id) == MonitoringReport.region_id)
        .where(
            MonitoringReport.year == compilation.year,
            MonitoringReport.month == YEAR_END,
            MonitoringReport.status == MonitoringReportStatus.ACCEPTED,
            in_region(MonitoringReport.region_id, region.code, include_descendants=True),
        )
        .order_by(col(FundType.sort_order), col(Region.path))
    )
    return list((await session.exec(stmt)).all())


async def due_on(session: AsyncSession, compilation: MonitoringCompilation) -> date:
    """By when it is due: the rule's day (01-31 by default) of the year after the one monitored."""
    deadline = (
        await rules_for(session=session, region_id=compilation.region_id)
    ).monitoring_compilation_deadline
    return date(compilation.year + 1, deadline.month, deadline.day)


def is_late(compilation: MonitoringCompilation, due: date) -> bool:
    """Sent after its due day (in China's calendar); a draft is not late yet, it is overdue (deadlines)."""
    return compilation.sent_at is not None and compilation.sent_at.astimezone(CHINA).date() > due


@dataclass(frozen=True)
class CompilationQuery:
    year: int | None = None
    region_code: str | None = None
    include_descendants: bool = False
    statuses: tuple[CompilationStatus, ...] = ()


def compilations_select(query: CompilationQuery, actor: Actor) -> SelectOfScalar[MonitoringCompilation]:
    """The compilations `actor` may read that match `query`."""
    stmt = select(MonitoringCompilation).where(visible_compilations_clause(actor))
    if query.year is not None:
        stmt = stmt.where(MonitoringCompilation.year == query.year)
    if query.region_code is not None:
        stmt = stmt.where(
            in_region(MonitoringCompilation.region_id, query.region_code, query.include_descendants)
        )
    if query.statuses:
        stmt = stmt.where(col(MonitoringCompilation.status).in_([s.value for s in query.statuses]))
    return stmt


async def prefecture_funds(session: AsyncSession, year: int) -> list[FundType]:
    """The funds a prefecture's compilation covers: those whose pooling leaves them with the prefectures
    that year (Art. 6); by the funds' order."""
    stmt = (
        select(FundType, PoolingArrangement.pooling_level)
        .join(PoolingArrangement, col(PoolingArrangement.fund_type_id) == FundType.id)
        .where(PoolingArrangement.year == year)
        .order_by(col(FundType.sort_order))
    )
    rows = (await session.exec(stmt)).all()
    prefecture = RegionLevel.PREFECTURE
    return [fund for fund, level in rows if pooling_region_level(PoolingLevel(level)) == prefecture]
