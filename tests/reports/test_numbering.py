"""Document numbers (发文字号) by subject: sequences per issuing body, family and year of issue; the prefix
from the issuing body's region's document abbreviation (Art. 23) and the kind's family; one number per
subject, family and act, kept; concurrent assignments; and the number in the rendered document, which
building it only reads."""

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.domains.goals import GOAL_TABLE_NUMBER
from src.models import DocumentNumber, Goal, Organization
from src.models.document_number import FAMILY_MAX_LENGTH
from src.models.enums import ActorType, GoalStatus
from src.models.goal import GoalDocumentKind
from src.models.report import ReportFormat, ReportJob, ReportJobStatus
from src.reports import jobs
from src.reports.numbering import Issue, number_for, year_of_issue
from src.reports.render import Renderer
from src.reports.storage import LocalStorage
from src.services.actors import load_actor
from src.services.rules.registry import DOCUMENT_ABBREVIATION_LENGTH
from src.subjects.documents import DocumentSpec, NumberSpec
from src.subjects.registry import registry
from tests.factories import ISSUED_AT, issue_goal, make_goal, make_user

DEADLINE_SECONDS = 10


def goal_table() -> DocumentSpec:
    spec: DocumentSpec = registry().documents[GoalDocumentKind.GOAL_TABLE]
    return spec


def test_the_goal_table_is_numbered_by_the_finance_body_as_caishe() -> None:
    spec = goal_table()
    assert spec.number is GOAL_TABLE_NUMBER and spec.template == "GOAL_TABLE.docx"
    assert (spec.number.issuer, spec.number.family) == (ActorType.FINANCE, "财社")


def test_a_prefix_fits_its_column() -> None:
    """The longest abbreviation a region may set, then the longest family, fit DocumentNumber.prefix."""
    prefix = DocumentNumber.__table__.c.prefix  # type: ignore[attr-defined]
    assert prefix.type.length >= DOCUMENT_ABBREVIATION_LENGTH + FAMILY_MAX_LENGTH
    for family in ("", "财 社", "财〔社", "九" * (FAMILY_MAX_LENGTH + 1)):
        with pytest.raises(ValueError, match="family"):
            NumberSpec(issuer=ActorType.FINANCE, family=family)


def test_the_year_of_issue_is_the_year_in_china() -> None:
    assert year_of_issue(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
    assert year_of_issue(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 2027  # 1 January 2027, 00:00


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


async def body_of(session: AsyncSession, goal: Goal, actor_type: ActorType) -> int:
    stmt = select(Organization.id).where(
        Organization.region_id == goal.region_id, Organization.actor_type == actor_type
    )
    found = (await session.exec(stmt)).one()
    assert found is not None
    return found


async def assign(
    sessionmaker: async_sessionmaker[AsyncSession],
    goal: Goal,
    spec: DocumentSpec | None = None,
    *,
    at: datetime = ISSUED_AT,
    act: str = "",
) -> str:
    """The number `spec` (the goal table by default) gives `goal` issued at `at` by its region's body of
    the kind's issuer type, committed."""
    spec = spec or goal_table()
    assert spec.number is not None
    async with sessionmaker() as session:
        body = await body_of(session, goal, spec.number.issuer)
        issue = Issue(organization_id=body, at=at, act=act)
        number = await number_for(session=session, spec=spec, subject=goal, issue=issue)
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
    in_2027 = datetime(2027, 1, 10, 2, tzinfo=UTC)
    assert await assign(sessionmaker, province_next_year, at=in_2027) == "川财社〔2027〕1号"
    rows = await numbers(sessionmaker)
    assert [(r.prefix, r.family, r.year, r.sequence) for r in rows] == [
        ("川财社", "财社", 2026, 1),
        ("成财社", "财社", 2026, 1),
        ("川财社", "财社", 2026, 2),
        ("川财社", "财社", 2027, 1),
    ]
    assert [(r.subject_type, r.subject_id) for r in rows] == [
        ("Goal", g.id) for g in (province_a, chengdu, province_b, province_next_year)
    ]
    assert rows[0].organization_id != rows[1].organization_id
    assert rows[0].created_at == ISSUED_AT and rows[3].created_at == in_2027


async def test_the_sequence_is_the_year_of_issue_not_the_goals_year(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    """A 2027 goal issued at the budget deployment in December 2026 is a 2026 document."""
    await finance_of(sessionmaker, "510000")
    first = await goal_in(sessionmaker, year=2026)
    next_year = await goal_in(sessionmaker, year=2027)
    assert await assign(sessionmaker, first) == "川财社〔2026〕1号"
    december = datetime(2026, 12, 20, 2, tzinfo=UTC)
    assert await assign(sessionmaker, next_year, at=december) == "川财社〔2026〕2号"
    assert [r.year for r in await numbers(sessionmaker)] == [2026, 2026]


async def test_a_goal_keeps_its_number_per_act(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    """Asked again for the same act, the number already given; the formal issue after the guiding one is
    another document, with a number of its own (Art. 10)."""
    await finance_of(sessionmaker, "510000")
    goal = await goal_in(sessionmaker)
    first = await assign(sessionmaker, goal, act="GUIDING")
    other = await goal_in(sessionmaker, fund_code="WORK_INJURY")
    assert await assign(sessionmaker, other, act="GUIDING") == "川财社〔2026〕2号"
    assert await assign(sessionmaker, goal, act="GUIDING") == first == "川财社〔2026〕1号"
    assert await assign(sessionmaker, goal, act="FORMAL") == "川财社〔2026〕3号"
    assert await assign(sessionmaker, goal, act="FORMAL") == "川财社〔2026〕3号"
    assert [(n.subject_id, n.act) for n in await numbers(sessionmaker)] == [
        (goal.id, "GUIDING"),
        (other.id, "GUIDING"),
        (goal.id, "FORMAL"),
    ]


async def test_only_a_body_of_the_kinds_issuer_type_numbers_it(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    """The goal table is a finance body's document: another body's organization is refused, and nothing is
    numbered."""
    await make_user(sessionmaker, actor_type=ActorType.HRSS, region_code="510000")
    goal = await goal_in(sessionmaker)
    async with sessionmaker() as session:
        hrss = await body_of(session, goal, ActorType.HRSS)
        with pytest.raises(ValueError, match="does not issue"):
            await number_for(
                session=session,
                spec=goal_table(),
                subject=goal,
                issue=Issue(organization_id=hrss, at=ISSUED_AT),
            )
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
        issue = Issue(organization_id=await body_of(first, first_goal, ActorType.FINANCE), at=ISSUED_AT)
        assert await number_for(session=first, spec=goal_table(), subject=first_goal, issue=issue) == (
            "川财社〔2026〕1号"
        )
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
    await jobs.run_job(sessionmaker=sessionmaker, renderer=Renderer(), storage=storage, job_id=job.id)
    async with sessionmaker() as session:
        done = await session.get(ReportJob, job.id)
    assert done is not None and done.status == ReportJobStatus.SUCCEEDED, done
    assert done.storage_key is not None
    return docx_text(storage.path(done.storage_key).read_bytes())


async def issued(sessionmaker: async_sessionmaker[AsyncSession], **kwargs: object) -> Goal:
    """A goal issued (numbered as goalIssue numbers it)."""
    goal = await goal_in(sessionmaker, **kwargs)  # type: ignore[arg-type]
    async with sessionmaker() as session:
        row = await session.get(Goal, goal.id)
        assert row is not None
        await issue_goal(session, row)
        await session.commit()
        return row


async def test_the_rendered_table_of_a_goal_in_force_shows_the_number_it_was_issued_under(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    user = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510000")
    assert user.id is not None
    goal = await issued(sessionmaker)
    draft = await goal_in(sessionmaker, fund_code="WORK_INJURY", status=GoalStatus.DRAFT)
    storage = LocalStorage(tmp_path)
    assert goal.id is not None and draft.id is not None
    text_of_issued = await render_goal(sessionmaker, storage, user.id, goal.id)
    assert "川财社〔2026〕1号" in text_of_issued.splitlines()
    assert "〔" not in await render_goal(sessionmaker, storage, user.id, draft.id)
    # Building the documents drew nothing.
    assert [(n.subject_type, n.subject_id, n.text) for n in await numbers(sessionmaker)] == [
        ("Goal", goal.id, "川财社〔2026〕1号")
    ]


async def test_a_goal_tables_number_is_kept_across_rebuilds(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    """The goal's data changes and its table is built again (a new job): it shows the number it was issued
    under, and no second number is taken."""
    user = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510000")
    assert user.id is not None
    goal = await issued(sessionmaker)
    assert goal.id is not None
    storage = LocalStorage(tmp_path)
    assert "川财社〔2026〕1号" in (await render_goal(sessionmaker, storage, user.id, goal.id)).splitlines()
    async with sessionmaker() as session:
        row = await session.get(Goal, goal.id)
        assert row is not None
        row.content = "年度目标已修订"
        row.row_version += 1
        session.add(row)
        await session.commit()
    again = (await render_goal(sessionmaker, storage, user.id, goal.id)).splitlines()
    assert "川财社〔2026〕1号" in again and "年度目标已修订" in again
    assert [n.text for n in await numbers(sessionmaker)] == ["川财社〔2026〕1号"]
