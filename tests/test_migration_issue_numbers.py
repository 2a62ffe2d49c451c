"""Migration 0015 (issue 18): numbers are drawn at issue (Art. 10). Goal numbers are carried over with their
act; goals issued before get the moment, body and number of their latest issue; goals in force without a
number are numbered afterwards (`fundperf migrate`: number_earlier_issues), in the year of their issue."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src import migrate
from src.services.goals.issuing import number_earlier_issues

TRANSITION = (
    "INSERT INTO goal_transition (goal_id, action, from_status, to_status, user_id, organization_id, at)"
    " VALUES ({}, '{}', 'REVIEWED', '{}', 1, 1, '{}')"
)
NUMBER = (
    "INSERT INTO document_number (organization_id, family, year, sequence, subject_type, subject_id, prefix,"
    " text, created_at) VALUES (1, '财社', 2026, {seq}, 'Goal', {goal}, '川财社', '川财社〔2026〕{seq}号',"
    " '2026-05-01 08:00:00')"
)
FORMAL_NUMBER = (
    "INSERT INTO document_number (organization_id, family, year, sequence, subject_type, subject_id, prefix,"
    " text, act) VALUES (1, '财社', 2026, {seq}, 'Goal', {goal}, '川财社', '川财社〔2026〕{seq}号', 'FORMAL')"
)
STATEMENTS = [
    "INSERT INTO region (id, code, name, level, path) VALUES (1, '510000', '四川省', 'province', '/510000/')",
    "INSERT INTO fund_type (id, code, name_zh, administration, sort_order, active)"
    " VALUES (1, 'WORK_INJURY', '工伤保险', 'HRSS', 1, TRUE)",
    "INSERT INTO organization (id, name, actor_type, region_id) VALUES (1, '四川省财政厅', 'FINANCE', 1)",
    "INSERT INTO app_user (id, username, full_name, password_hash, organization_id, is_active, is_admin,"
    " created_at, updated_at)"
    " VALUES (1, 'u', 'u', 'x', 1, TRUE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    *(
        "INSERT INTO goal (id, title, horizon, start_year, end_year, content, fund_type_id, region_id,"
        f" status, version, lineage_id, updated_at) VALUES ({goal_id}, 't', 'ANNUAL', 2027, 2027, '', 1, 1,"
        f" '{status}', {goal_id}, '{goal_id:032x}', '2026-12-28 08:00:00')"
        for goal_id, status in ((1, "SUPERSEDED"), (2, "ISSUED"), (3, "ISSUED_GUIDING"), (4, "DRAFT"))
    ),
    TRANSITION.format(1, "ISSUE_GUIDING", "ISSUED_GUIDING", "2026-03-01 08:00:00"),
    TRANSITION.format(2, "ISSUE", "ISSUED", "2026-03-02 08:00:00"),
    NUMBER.format(seq=1, goal=2),
    NUMBER.format(seq=2, goal=1),
]
ISSUES = "SELECT id, issued_at, issuer_organization_id, document_number FROM goal ORDER BY id"


async def test_art10_0015_carries_the_numbers_over_as_the_goals_issues(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Goal 1 (superseded, issued as guiding) and goal 2 (formally issued) keep their numbers as their
    GUIDING and FORMAL acts, with the moment of their issue step; goal 3, in force without a number, gets
    one from its body's 2026 sequence (issued, by its last update, in December 2026, though it is a 2027
    goal); the draft gets none. A subject now has one number per family and act. Downgrading keeps each
    goal's latest number."""
    try:
        await migrate.downgrade(engine, "0014")
        async with engine.begin() as conn:
            for statement in STATEMENTS:
                await conn.execute(text(statement))
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            acts = (await conn.execute(text("SELECT subject_id, act FROM document_number ORDER BY id"))).all()
            goals = (await conn.execute(text(ISSUES))).all()
        assert [tuple(r) for r in acts] == [(2, "FORMAL"), (1, "GUIDING")]
        assert [(r[0], r[2], r[3]) for r in goals] == [
            (1, 1, "川财社〔2026〕2号"),
            (2, 1, "川财社〔2026〕1号"),
            (3, None, None),
            (4, None, None),
        ]
        assert [str(r[1])[:10] for r in goals[:3]] == ["2026-03-01", "2026-03-02", "2026-12-28"]
        assert goals[3][1] is None
        async with sessionmaker() as session:
            assert await number_earlier_issues(session) == 1
            await session.commit()
        async with sessionmaker() as session:
            assert await number_earlier_issues(session) == 0  # idempotent
        async with engine.begin() as conn:
            third = (await conn.execute(text(ISSUES + " LIMIT 3"))).all()[2]
            assert (third[2], third[3]) == (1, "川财社〔2026〕3号")
            numbered = "SELECT year, act FROM document_number WHERE subject_id = 3"
            assert [tuple(r) for r in (await conn.execute(text(numbered))).all()] == [(2026, "GUIDING")]
            # Goal 1's formal issue would be a number of its own; the same act again is refused.
            formal = FORMAL_NUMBER.format(seq=4, goal=1)
            await conn.execute(text(formal))
            with pytest.raises(IntegrityError):
                async with conn.begin_nested():
                    await conn.execute(text(FORMAL_NUMBER.format(seq=5, goal=1)))
        await migrate.downgrade(engine, "0014")
        async with engine.connect() as conn:
            kept = (
                await conn.execute(text("SELECT subject_id, sequence FROM document_number ORDER BY id"))
            ).all()
        assert [tuple(r) for r in kept] == [(2, 1), (3, 3), (1, 4)]
    finally:
        async with engine.begin() as conn:
            for table in ("document_number", "goal_transition", "goal", "app_user", "organization"):
                await conn.execute(text(f"DELETE FROM {table}"))
            for table in ("fund_type", "region"):
                await conn.execute(text(f"DELETE FROM {table}"))
        await migrate.upgrade(engine)
