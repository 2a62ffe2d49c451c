"""Document numbers (发文字号): the regional prefix, sequences per issuing body and year, a number kept by its
goal, none for a goal not in force, concurrent assignments, and the number in the rendered document."""

import asyncio
import io
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber, Goal, Region
from src.models.enums import ActorType, GoalStatus, RegionLevel
from src.models.goal import GoalDocumentKind
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports import jobs
from src.reports.numbering import document_prefix, number_for
from src.reports.pdf import PdfConverter
from src.reports.render import Renderer
from src.reports.storage import LocalStorage
from src.services.actors import load_actor
from tests.factories import make_goal, make_user

DEADLINE_SECONDS = 10


def region(code: str, name: str, level: RegionLevel) -> Region:
    return Region(code=code, name=name, level=level, path=f"/510000/{code}/")


def test_the_prefix_is_the_regional_rule() -> None:
    assert document_prefix(region("510000", "四川省", RegionLevel.PROVINCE)) == "川财社"
    assert document_prefix(region("510100", "成都市", RegionLevel.PREFECTURE)) == "成财社"
    assert document_prefix(region("510300", "自贡市", RegionLevel.PREFECTURE)) == "自财社"
    assert document_prefix(region("513400", "凉山彝族自治州", RegionLevel.PREFECTURE)) == "凉财社"
    # 广元市 and 广安市 share their first character: they must not share their numbers.
    guangyuan = document_prefix(region("510800", "广元市", RegionLevel.PREFECTURE))
    guangan = document_prefix(region("511600", "广安市", RegionLevel.PREFECTURE))
    assert (guangyuan, guangan) == ("广财社", "广安财社")


async def finance_of(sessionmaker: async_sessionmaker[AsyncSession], *codes: str) -> None:
    """The finance organization (the issuing body) of each region, with a user."""
    for code in codes:
        await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code=code)


async def goal_in(
    sessionmaker: async_sessionmaker[AsyncSession],
    region_code: str = "510000",
    status: GoalStatus = GoalStatus.ISSUED,
    fund_code: str = "EMPLOYEE_MEDICAL",
    year: int = 2026,
) -> Goal:
    async with sessionmaker() as session:
        goal = await make_goal(
            session, region_code=region_code, status=status, fund_code=fund_code, year=year, indicators=1
        )
        await session.commit()
        return goal


async def assign(sessionmaker: async_sessionmaker[AsyncSession], goal: Goal) -> str:
    async with sessionmaker() as session:
        number = await number_for(session=session, goal=goal)
        await session.commit()
        return number


async def numbers(sessionmaker: async_sessionmaker[AsyncSession]) -> list[DocumentNumber]:
    async with sessionmaker() as session:
        return list((await session.exec(select(DocumentNumber).order_by(col(DocumentNumber.id)))).all())


async def test_each_body_numbers_each_year_from_one(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    await finance_of(sessionmaker, "510000", "510100")
    province_a = await goal_in(sessionmaker, "510000", fund_code="EMPLOYEE_MEDICAL")
    province_b = await goal_in(
        sessionmaker, "510000", fund_code="WORK_INJURY", status=GoalStatus.ISSUED_GUIDING
    )
    province_next_year = await goal_in(sessionmaker, "510000", year=2027)
    chengdu = await goal_in(sessionmaker, "510100")
    assert await assign(sessionmaker, province_a) == "川财社〔2026〕1号"
    assert await assign(sessionmaker, chengdu) == "成财社〔2026〕1号"
    assert await assign(sessionmaker, province_b) == "川财社〔2026〕2号"
    assert await assign(sessionmaker, province_next_year) == "川财社〔2027〕1号"
    rows = await numbers(sessionmaker)
    assert [(r.prefix, r.year, r.sequence) for r in rows] == [
        ("川财社", 2026, 1),
        ("成财社", 2026, 1),
        ("川财社", 2026, 2),
        ("川财社", 2027, 1),
    ]
    assert rows[0].organization_id != rows[1].organization_id
    assert rows[0].created_at.tzinfo is not None


async def test_a_goal_keeps_its_number(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    await finance_of(sessionmaker, "510000")
    goal = await goal_in(sessionmaker)
    first = await assign(sessionmaker, goal)
    other = await goal_in(sessionmaker, fund_code="WORK_INJURY")
    assert await assign(sessionmaker, other) == "川财社〔2026〕2号"
    assert await assign(sessionmaker, goal) == first == "川财社〔2026〕1号"
    # A version no longer in force still shows the number it was issued under.
    async with sessionmaker() as session:
        goal.status = GoalStatus.SUPERSEDED
        session.add(goal)
        await session.commit()
    assert await assign(sessionmaker, goal) == first
    assert len(await numbers(sessionmaker)) == 2


@pytest.mark.parametrize(
    "status", [GoalStatus.DRAFT, GoalStatus.SUBMITTED, GoalStatus.REVIEWED, GoalStatus.SUPERSEDED]
)
async def test_a_goal_not_in_force_has_no_number(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, status: GoalStatus
) -> None:
    await finance_of(sessionmaker, "510000")
    goal = await goal_in(sessionmaker, status=status)
    assert await assign(sessionmaker, goal) == ""
    assert await numbers(sessionmaker) == []


async def test_art10_a_goal_approved_but_not_issued_has_no_number(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    """The number documents the issue (下达): approved by the national departments is not issued yet."""
    await finance_of(sessionmaker, "510000")
    goal = await goal_in(sessionmaker, status=GoalStatus.NATIONAL_APPROVED)
    assert await assign(sessionmaker, goal) == ""
    assert await numbers(sessionmaker) == []
    async with sessionmaker() as session:
        goal.status = GoalStatus.ISSUED  # goalIssue
        session.add(goal)
        await session.commit()
    assert await assign(sessionmaker, goal) == "川财社〔2026〕1号"


async def test_a_region_without_a_finance_body_gets_no_number(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    goal = await goal_in(sessionmaker, "510300")
    assert await assign(sessionmaker, goal) == ""
    assert await numbers(sessionmaker) == []


async def test_concurrent_assignments_get_different_numbers(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    await finance_of(sessionmaker, "510000")
    goals = [await goal_in(sessionmaker, fund_code=code) for code in ("EMPLOYEE_MEDICAL", "WORK_INJURY")]
    got = await asyncio.gather(*(assign(sessionmaker, goal) for goal in goals))
    assert sorted(got) == ["川财社〔2026〕1号", "川财社〔2026〕2号"]


async def _blocked_on_a_lock(engine: AsyncEngine) -> None:
    """Waits until a PostgreSQL session waits for a lock (the second INSERT, on the first's index entry)."""
    async with asyncio.timeout(DEADLINE_SECONDS):
        while True:
            async with engine.connect() as conn:
                waiting = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            if waiting:
                return
            await asyncio.sleep(0.02)  # a poll interval


@pytest.mark.parametrize("same_goal", [False, True], ids=["two goals", "one goal"])
async def test_an_assignment_that_loses_the_race_tries_again(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    same_goal: bool,
) -> None:
    """The first assignment holds its number uncommitted while the second computes the same sequence; the
    second (on PostgreSQL, blocked until the first commits) fails on the constraint, then takes the next
    number — or, for the same goal, the number the first gave it."""
    await finance_of(sessionmaker, "510000")
    first_goal = await goal_in(sessionmaker, fund_code="EMPLOYEE_MEDICAL")
    second_goal = first_goal if same_goal else await goal_in(sessionmaker, fund_code="WORK_INJURY")
    async with sessionmaker() as first:
        assert await number_for(session=first, goal=first_goal) == "川财社〔2026〕1号"
        second = asyncio.create_task(assign(sessionmaker, second_goal))
        if engine.dialect.name == "postgresql":
            await _blocked_on_a_lock(engine)
        await first.commit()
    expected = "川财社〔2026〕1号" if same_goal else "川财社〔2026〕2号"
    async with asyncio.timeout(DEADLINE_SECONDS):
        assert await second == expected
    assert len(await numbers(sessionmaker)) == (1 if same_goal else 2)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


async def render_goal(
    sessionmaker: async_sessionmaker[AsyncSession], storage: LocalStorage, user_id: int, goal_id: int
) -> str:
    """Requests and runs the goal's table as run_job does in every runner; the document's text."""
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user_id)
        assert actor is not None
        job = await jobs.request_report(
            session=session,
            actor=actor,
            kind=GoalDocumentKind.GOAL_TABLE,
            fmt=ReportFormat.DOCX,
            subject_id=goal_id,
            fund_type_code=None,
            year=None,
            region_code=None,
        )
        await session.commit()
        assert job.id is not None
    pdf = PdfConverter(chunk_size=1)  # a DOCX: nothing to convert
    await jobs.run_job(
        sessionmaker=sessionmaker, renderer=Renderer(), storage=storage, pdf=pdf, job_id=job.id
    )
    async with sessionmaker() as session:
        done = await session.get(ReportJob, job.id)
    assert done is not None and done.status == ReportJobStatus.SUCCEEDED, done
    assert done.storage_key is not None
    return docx_text(storage.path(done.storage_key).read_bytes())


async def test_the_rendered_table_of_a_goal_in_force_shows_its_number(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    user = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510000")
    assert user.id is not None
    issued = await goal_in(sessionmaker)
    draft = await goal_in(sessionmaker, fund_code="WORK_INJURY", status=GoalStatus.DRAFT)
    storage = LocalStorage(tmp_path)
    assert issued.id is not None and draft.id is not None
    text_of_issued = await render_goal(sessionmaker, storage, user.id, issued.id)
    assert "川财社〔2026〕1号" in text_of_issued.splitlines()
    # The job committed the number it assigned: the goal has it for good.
    assert [(n.goal_id, n.text) for n in await numbers(sessionmaker)] == [(issued.id, "川财社〔2026〕1号")]
    assert "〔" not in await render_goal(sessionmaker, storage, user.id, draft.id)
