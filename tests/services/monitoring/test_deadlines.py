"""Monitoring's deadlines (Art. 13, 23): each period's entries (及时性) and report by the pooling region's
agency, each prefecture's January compilation by its finance, on the dates the region's rules give, and
whether they were done on time, late, or are overdue or pending on a day in China
(src/services/monitoring/deadlines.py, through the shared listing's `all_items`)."""

from datetime import date

from sqlmodel import select

from src.db import session_scope
from src.models import Indicator, Region, RegionalRule
from src.models.enums import ActorType, GoalStatus, RegionLevel
from src.models.monitoring import MonitoringReportStatus
from src.services.deadlines import DeadlineItem, DeadlineStatus, china_today
from src.services.deadlines.listing import all_items
from src.services.monitoring.deadlines import COMPILATION, ENTRIES, KINDS, REPORT, GoalVersion, in_force
from src.services.rules.registry import RuleKey
from tests.factories import make_goal, region_id
from tests.services.conftest import Sessionmaker
from tests.services.deadlines.scenario import (
    CHENGDU,
    FUND,
    MED,
    NOW,
    PROVINCE,
    YEAR,
    ZIGONG,
    bodies,
    build,
    china,
    enter,
    goal_in_force,
    lineages,
    report,
)

S = DeadlineStatus
TODAY = china_today(NOW)


async def items(sessionmaker: Sessionmaker, year: int = YEAR, area: str = PROVINCE) -> list[DeadlineItem]:
    async with sessionmaker() as session:
        region = (await session.exec(select(Region).where(Region.code == area))).one()
        return await all_items(session, region, year)


def of(found: list[DeadlineItem], code: str, kind: str) -> dict[int | None, tuple[date, DeadlineStatus]]:
    """An area's items of one kind by period: (due date, status today)."""
    return {i.period: (i.due_on, i.status(TODAY)) for i in found if i.region.code == code and i.kind == kind}


async def test_art13_each_periods_entries_and_report_are_due_after_its_end(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    await build(sessionmaker)
    found = await items(sessionmaker)
    assert of(found, CHENGDU, ENTRIES) == {
        3: (date(2026, 4, 10), S.DONE),
        6: (date(2026, 7, 10), S.LATE),  # the second indicator on 12 July
        9: (date(2026, 10, 10), S.OVERDUE),  # one indicator of two
        12: (date(2027, 1, 10), S.PENDING),  # December's, in the next January
    }
    assert of(found, CHENGDU, REPORT) == {
        3: (date(2026, 4, 20), S.DONE),
        6: (date(2026, 7, 20), S.OVERDUE),  # a draft is not reported
        9: (date(2026, 10, 20), S.PENDING),
        12: (date(2027, 1, 20), S.PENDING),
    }
    assert {p: s for p, (_, s) in of(found, ZIGONG, ENTRIES).items()} == {
        3: S.OVERDUE,
        6: S.OVERDUE,
        9: S.OVERDUE,
        12: S.PENDING,
    }
    chengdu = [i for i in found if i.region.code == CHENGDU and i.kind != COMPILATION]
    assert {(i.actor_type, i.administration) for i in chengdu} == {(ActorType.AGENCY, MED)}
    assert chengdu[0].label == "成都市职工基本医疗保险(含生育保险)基金2026年1-3月监控数据填报"
    # Only the regions with a goal in force have periods to enter and report.
    assert {i.region.code for i in found if i.kind != COMPILATION} == {CHENGDU, ZIGONG}


async def test_art13_each_prefecture_compiles_the_year_before_by_the_end_of_january(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    await build(sessionmaker)
    compilations = [i for i in await items(sessionmaker) if i.kind == COMPILATION]
    assert len(compilations) == 21  # every prefecture of Sichuan, and no other region
    assert {i.region.level for i in compilations} == {RegionLevel.PREFECTURE}
    assert {(i.actor_type, i.administration, i.fund_type_id, i.year) for i in compilations} == {
        (ActorType.FINANCE, None, None, YEAR - 1)
    }
    assert {i.due_on for i in compilations} == {date(2026, 1, 31)}
    statuses = {i.region.code: i.status(TODAY) for i in compilations}
    assert statuses.pop(CHENGDU) == S.LATE  # sent on 2 February
    assert set(statuses.values()) == {S.OVERDUE}
    # In January the 2025 compilation is still pending.
    assert {i.status(date(2026, 1, 31)) for i in compilations if i.region.code == ZIGONG} == {S.PENDING}


async def test_art23_the_regions_own_rules_set_its_dates(sessionmaker: Sessionmaker, reference: None) -> None:
    scenario = await build(sessionmaker)
    async with session_scope(sessionmaker) as session:
        chengdu = await region_id(session, CHENGDU)
        for key, value in (
            (RuleKey.MONITORING_PERIODS, "MONTHLY"),
            (RuleKey.MONITORING_ENTRY_DUE_DAYS, "5"),
            (RuleKey.MONITORING_COMPILATION_DEADLINE, "01-25"),
        ):
            session.add(RegionalRule(region_id=chengdu, key=key.value, value=value))
        first, _ = await lineages(session, scenario.chengdu_goal)
        await enter(session, scenario.chengdu_goal, first, 1, china(2, 3), scenario.chengdu.agency)
    found = await items(sessionmaker)
    entries = of(found, CHENGDU, ENTRIES)
    assert list(entries) == list(range(1, 13))
    assert entries[1] == (date(2026, 2, 5), S.OVERDUE)  # one indicator of two
    assert entries[3] == (date(2026, 4, 5), S.DONE)  # entered on 5 April, due 5 days after March
    assert entries[2] == (date(2026, 3, 5), S.OVERDUE)
    assert of(found, CHENGDU, COMPILATION) == {None: (date(2026, 1, 25), S.LATE)}
    assert list(of(found, ZIGONG, ENTRIES)) == [3, 6, 9, 12]  # 自贡市 keeps the province's rules


async def test_art13_on_time_is_a_day_in_china(sessionmaker: Sessionmaker, reference: None) -> None:
    """The last entry at 23:30 on the due date in Beijing is on time, though it is 15:30 UTC; at 00:30
    the next day it is late."""
    agency = (await bodies(sessionmaker, CHENGDU)).agency
    async with session_scope(sessionmaker) as session:
        goal = await goal_in_force(session, CHENGDU, indicators=1)
        [lineage] = await lineages(session, goal)
        await enter(session, goal, lineage, 3, china(4, 10, 23, 30), agency)
        other = await goal_in_force(session, ZIGONG, indicators=1)
        [lineage] = await lineages(session, other)
        await enter(session, other, lineage, 3, china(4, 11, 0, 30), agency)
    found = await items(sessionmaker)
    assert of(found, CHENGDU, ENTRIES)[3] == (date(2026, 4, 10), S.DONE)
    assert of(found, ZIGONG, ENTRIES)[3] == (date(2026, 4, 10), S.LATE)


def test_art14_the_version_issued_by_a_months_end_governs_it() -> None:
    first = GoalVersion(date(2026, 3, 5), frozenset())
    second = GoalVersion(date(2026, 8, 1), frozenset())
    assert in_force([first, second], 2026, 1) is first  # issued in March, it governs January too
    assert in_force([first, second], 2026, 7) is first
    assert in_force([first, second], 2026, 8) is second  # issued on 1 August
    assert in_force([GoalVersion(None, frozenset())], 2026, 1).issued_on is None


async def test_art14_an_adjusted_goal_is_entered_by_its_own_indicators(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    """Version 2, issued on 1 August, drops the second indicator and adds a third: June is complete with
    version 1's two; September needs the first and the third (by lineage, Art. 14)."""
    agency = (await bodies(sessionmaker, CHENGDU)).agency
    async with session_scope(sessionmaker) as session:
        v1 = await goal_in_force(session, CHENGDU)
        v1.status = GoalStatus.SUPERSEDED
        first, second = await lineages(session, v1)
        v2 = await make_goal(
            session,
            fund_code=FUND,
            region_code=CHENGDU,
            status=GoalStatus.ISSUED,
            indicators=2,
            version=2,
            lineage_id=v1.lineage_id,
            previous_version_id=v1.id,
        )
        v2.issued_at = china(8, 1)
        kept, third = await lineages(session, v2)
        # The kept indicator continues the first one's lineage, as an adjustment copies it.
        kept_row = (await session.exec(select(Indicator).where(Indicator.lineage_id == kept))).one()
        kept_row.lineage_id = first
        for lineage in (first, second):
            await enter(session, v1, lineage, 6, china(7, 1), agency)
            await enter(session, v2, lineage, 9, china(10, 1), agency)
    entries = of(await items(sessionmaker), CHENGDU, ENTRIES)
    assert entries[6][1] == S.DONE and entries[9][1] == S.OVERDUE
    async with session_scope(sessionmaker) as session:
        await enter(session, v2, third, 9, china(10, 5), agency)
    assert of(await items(sessionmaker), CHENGDU, ENTRIES)[9][1] == S.DONE


async def test_art13_a_returned_report_is_not_reported_an_accepted_one_is(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    agency = (await bodies(sessionmaker, CHENGDU)).agency
    async with session_scope(sessionmaker) as session:
        goal = await goal_in_force(session, CHENGDU)
        await report(session, goal, 3, MonitoringReportStatus.RETURNED, agency, china(4, 12))
        await report(session, goal, 6, MonitoringReportStatus.ACCEPTED, agency, china(7, 22))
        draft = await make_goal(session, fund_code=FUND, region_code=ZIGONG, status=GoalStatus.SUBMITTED)
        assert draft.id
    found = await items(sessionmaker)
    assert {p: s for p, (_, s) in of(found, CHENGDU, REPORT).items()} == {
        3: S.OVERDUE,
        6: S.LATE,  # submitted on 22 July, due 20 July
        9: S.PENDING,
        12: S.PENDING,
    }
    assert of(found, ZIGONG, ENTRIES) == {}  # a goal not yet issued is not in force: nothing to enter


async def test_art13_a_prefectures_area_lists_its_own_and_a_year_without_work_lists_compilations(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    await build(sessionmaker)
    mine = await items(sessionmaker, area=CHENGDU)
    assert {i.region.code for i in mine} == {CHENGDU}
    assert len(mine) == 4 + 4 + 1
    # Monitoring's items (the year after also lists the self-evaluations of the year: evaluation's source).
    later = [i for i in await items(sessionmaker, year=YEAR + 1) if i.kind in KINDS]
    assert {i.kind for i in later} == {COMPILATION} and len(later) == 21
    assert {i.due_on for i in later} == {date(2027, 1, 31)}
