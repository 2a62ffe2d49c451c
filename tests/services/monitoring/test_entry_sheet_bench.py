"""The entry sheets' round-trip benchmark (bench/monitoring_xlsx.py, issue 19) on a small prefecture,
counted, not timed: every entering agency's sheet of its goal in force drawn, filled in validly and
recorded (Art. 6, 13), and nothing of it kept, so repeated runs see the same data."""

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import func, select

from bench.entry_sheets import calendar, prefecture_sheets
from bench.monitoring_xlsx import TODAY, measure, report
from src.db import session_scope
from src.models import Region
from src.models.enums import BudgetItem, BudgetStatus, GoalStatus
from tests.factories import make_budget, make_goal
from tests.services.conftest import Sessionmaker, database_state
from tests.services.monitoring.entry_world import add_indicators
from tests.services.monitoring.test_entry_sheet import OWN, SUMMED

ZIYANG = "512000"  # 资阳市: three counties


async def test_art13_the_round_trip_bench_uploads_every_agencys_sheet_and_keeps_nothing(
    engine: AsyncEngine, sessionmaker: Sessionmaker, reference: None
) -> None:
    async with session_scope(sessionmaker) as session:
        goal = await make_goal(session, region_code=ZIYANG, status=GoalStatus.ISSUED, indicators=0)
        await add_indicators(session, goal)  # of each kind: summed, a rate, the prefecture's own
        await make_budget(session, region_code=ZIYANG, status=BudgetStatus.APPROVED)
        ziyang = (await session.exec(select(Region).where(Region.code == ZIYANG))).one()
        count = select(func.count()).select_from(Region).where(Region.parent_id == ziyang.id)
        counties = (await session.exec(count)).one()
    with calendar(TODAY):
        async with sessionmaker() as session:
            await prefecture_sheets(session, ZIYANG)  # the agencies' users, made once
    before = await database_state(sessionmaker)
    done = await measure(engine, sessionmaker, code=ZIYANG, repeat=1, sizes=(30,))
    assert await database_state(sessionmaker) == before
    months = 12  # the bench's calendar: 2026 is over
    assert (done.goals, done.sheets) == (1, 1 + counties)  # 资阳's agency and each county's
    assert done.actual_rows == months * (len(OWN) + len(SUMMED) * counties)
    assert done.execution_rows == months * len(BudgetItem) * counties
    assert done.largest == months * (len(SUMMED) + len(BudgetItem))
    assert [sized.rows for sized in done.sized] == [30] and done.sized[0].size > 0
    assert done.draw_peak > 0 and done.upload_peak > 0
    assert set(done.seconds) == {"context", "draw", "upload", "read", "round trip"}
    assert done.statements["context"] > 0 and done.statements["upload"] > 0
    assert f"{done.rows:,} rows" in report(done, repeat=1)
