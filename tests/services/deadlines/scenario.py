"""A year of monitoring work with deadlines met, missed and still to come (Art. 13), as 15 October 2026 in
China sees it (`NOW`), for the deadline tests of the services and the API.

成都市 and 自贡市 pool 职工基本医疗保险 (a medical fund pooled by prefecture); each has its 2026 annual goal
in force (two indicators), under the default rules: quarterly periods, entries due 10 days after a period's
end, reports 20 days, the compilation on 31 January.
- 成都市: 1-3月 entered on 5 April (DONE by 10 April); 1-6月 entered 5 and 12 July (LATE: the last on 12
  July, after 10 July); 1-9月 only its first indicator (OVERDUE since 10 October); its 1-3月 report
  submitted on 18 April (DONE), its 1-6月 report a draft (OVERDUE); its 2025 compilation sent on 2
  February 2026 (LATE, due 31 January).
- 自贡市: nothing entered, reported or compiled.
Every other prefecture owes its 2025 compilation; none has a goal in force, so nothing else.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models import Goal, Indicator, Organization, User
from src.models.enums import ActorType, Administration, GoalStatus
from src.models.monitoring import (
    CompilationStatus,
    IndicatorActual,
    MonitoringCompilation,
    MonitoringReport,
    MonitoringReportStatus,
)
from tests.factories import make_goal, make_user, region_id

CHINA = ZoneInfo("Asia/Shanghai")
YEAR = 2026
FUND = "EMPLOYEE_MEDICAL"
MED = Administration.MEDICAL_SECURITY
CHENGDU, ZIGONG, PROVINCE = "510100", "510300", "510000"


def china(month: int, day: int, hour: int = 10, minute: int = 0, year: int = YEAR) -> datetime:
    """A moment given in China's time, as the aware UTC datetime the database keeps."""
    return datetime(year, month, day, hour, minute, tzinfo=CHINA).astimezone(UTC)


NOW = china(10, 15)


@dataclass(frozen=True)
class Bodies:
    agency: User  # the region's medical insurance agency (医保经办)
    finance: User


async def bodies(sessionmaker: async_sessionmaker[AsyncSession], code: str) -> Bodies:
    agency = await make_user(sessionmaker, actor_type=ActorType.AGENCY, region_code=code, administration=MED)
    finance = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code=code)
    return Bodies(agency, finance)


async def goal_in_force(
    session: AsyncSession, code: str, *, year: int = YEAR, indicators: int = 2, issued: datetime | None = None
) -> Goal:
    goal = await make_goal(
        session, fund_code=FUND, region_code=code, year=year, status=GoalStatus.ISSUED, indicators=indicators
    )
    goal.issued_at = issued or china(3, 5, year=year)
    await session.flush()
    return goal


async def lineages(session: AsyncSession, goal: Goal) -> list[uuid.UUID]:
    stmt = (
        select(Indicator.lineage_id).where(Indicator.goal_id == goal.id).order_by(col(Indicator.sort_order))
    )
    return list((await session.exec(stmt)).all())


async def enter(
    session: AsyncSession, goal: Goal, lineage: uuid.UUID, month: int, at: datetime, by: User
) -> None:
    """One indicator's 1-`month`月 actual, entered at `at` by the pooling region's agency."""
    session.add(
        IndicatorActual(
            goal_id=goal.id or 0,
            goal_lineage_id=goal.lineage_id,
            indicator_lineage_id=lineage,
            pooling_region_id=goal.region_id,
            region_id=goal.region_id,
            fund_type_id=goal.fund_type_id,
            year=goal.start_year,
            month=month,
            organization_id=by.organization_id,
            user_id=by.id or 0,
            created_at=at,
            updated_at=at,
        )
    )
    await session.flush()


async def report(
    session: AsyncSession, goal: Goal, month: int, status: MonitoringReportStatus, by: User, at: datetime
) -> None:
    submitted = status in (MonitoringReportStatus.SUBMITTED, MonitoringReportStatus.ACCEPTED)
    session.add(
        MonitoringReport(
            region_id=goal.region_id,
            fund_type_id=goal.fund_type_id,
            year=goal.start_year,
            month=month,
            status=status,
            drafter_organization_id=by.organization_id,
            submitted_at=at if submitted else None,
            updated_at=at,
        )
    )
    await session.flush()


async def compiled(session: AsyncSession, code: str, year: int, sent_at: datetime | None, by: User) -> None:
    session.add(
        MonitoringCompilation(
            region_id=await region_id(session, code),
            year=year,
            status=CompilationStatus.SENT if sent_at else CompilationStatus.DRAFT,
            organization_id=by.organization_id,
            sent_at=sent_at,
        )
    )
    await session.flush()


@dataclass(frozen=True)
class Scenario:
    chengdu: Bodies
    zigong: Bodies
    chengdu_goal: Goal
    zigong_goal: Goal


async def build(sessionmaker: async_sessionmaker[AsyncSession]) -> Scenario:
    """The year described above (the reference data must be loaded)."""
    chengdu, zigong = await bodies(sessionmaker, CHENGDU), await bodies(sessionmaker, ZIGONG)
    async with session_scope(sessionmaker) as session:
        goal = await goal_in_force(session, CHENGDU)
        other = await goal_in_force(session, ZIGONG)
        first, second = await lineages(session, goal)
        for lineage in (first, second):
            await enter(session, goal, lineage, 3, china(4, 5), chengdu.agency)
        await enter(session, goal, first, 6, china(7, 5), chengdu.agency)
        await enter(session, goal, second, 6, china(7, 12), chengdu.agency)
        await enter(session, goal, first, 9, china(10, 1), chengdu.agency)
        await report(session, goal, 3, MonitoringReportStatus.SUBMITTED, chengdu.agency, china(4, 18))
        await report(session, goal, 6, MonitoringReportStatus.DRAFT, chengdu.agency, china(7, 18))
        await compiled(session, CHENGDU, YEAR - 1, china(2, 2), chengdu.finance)
    return Scenario(chengdu, zigong, goal, other)


async def organization_of(sessionmaker: async_sessionmaker[AsyncSession], user: User) -> Organization:
    async with sessionmaker() as session:
        return await session.get_one(Organization, user.organization_id)
