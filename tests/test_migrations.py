"""Migrations build the schema the models describe, and can be undone."""

import warnings
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src import migrate
from src.db import metadata
from src.models import Organization, Region
from src.models.enums import ActorType, Administration, RegionLevel


def _diff(conn: Connection) -> list[Any]:
    with warnings.catch_warnings():
        # Expression indexes (uq_organization_scope) cannot be reflected on SQLite, nor compared by
        # autogenerate anywhere; test_organization_scope_is_unique checks that one directly.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    return list(diff)


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_downgrade_to_base_and_back(engine: AsyncEngine, sessionmaker: object) -> None:
    # `sessionmaker` empties the database first: rows left by an earlier test would block the downgrade.
    try:
        await migrate.downgrade(engine, "base")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert set(tables) <= {"alembic_version"}
    finally:
        await migrate.upgrade(engine)
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert {t.name for t in metadata.sorted_tables} <= set(tables)
        assert await conn.run_sync(_diff) == []


async def test_organization_scope_is_unique(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as s:
        region = Region(code="510000", name="四川省", level=RegionLevel.PROVINCE, path="/510000/")
        s.add(region)
        await s.flush()
        assert region.id is not None
        s.add(
            Organization(
                name="四川省人力资源和社会保障厅",
                actor_type=ActorType.HRSS,
                region_id=region.id,
                administration=Administration.HRSS,
            )
        )
        s.add(Organization(name="四川省财政厅", actor_type=ActorType.FINANCE, region_id=region.id))
        await s.commit()
        s.add(Organization(name="四川省财政厅（重复）", actor_type=ActorType.FINANCE, region_id=region.id))
        with pytest.raises(IntegrityError):
            await s.commit()


async def test_art14_upgrade_gives_every_goal_a_lineage(engine: AsyncEngine, sessionmaker: object) -> None:
    """0004 backfills: goals without a lineage each start one, the versions of a lineage keep sharing one;
    approved budgets name the goal version in force; indicators get their aggregation from kind and unit."""
    statements = [
        "INSERT INTO region (id, code, name, level, path)"
        " VALUES (1, '510000', '四川省', 'province', '/510000/')",
        "INSERT INTO fund_type (id, code, name_zh, administration, sort_order, active)"
        " VALUES (1, 'EMPLOYEE_MEDICAL', '职工医保', 'MEDICAL_SECURITY', 1, TRUE)",
        *(
            "INSERT INTO goal (id, title, horizon, start_year, end_year, content, fund_type_id, region_id,"
            f" status, version, lineage_id, previous_version_id) VALUES ({goal_id}, 't', 'ANNUAL', {year},"
            f" {year}, '', 1, 1, '{status}', {version}, {lineage}, {previous})"
            for goal_id, year, status, version, lineage, previous in (
                (1, 2025, "ISSUED", 1, "NULL", "NULL"),  # demo data had no lineage
                (2, 2026, "SUPERSEDED", 1, "2", "NULL"),
                (3, 2026, "ISSUED", 2, "2", "2"),
            )
        ),
        "INSERT INTO fund_budget (id, region_id, fund_type_id, year, status)"
        " VALUES (1, 1, 1, 2026, 'APPROVED')",
        *(
            "INSERT INTO indicator (goal_id, level1, level2, level3, kind, comparator, unit, weight,"
            f" definition, sort_order) VALUES (1, 'OUTPUT', '数量', '{name}', '{kind}', 'GE', '{unit}',"
            " 5000, '', 0)"
            for name, kind, unit in (
                ("a", "QUANTITATIVE", "万人"),
                ("b", "QUANTITATIVE", "%"),
                ("c", "QUALITATIVE", ""),
            )
        ),
    ]
    try:
        await migrate.downgrade(engine, "0003")
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, lineage_id FROM goal"))).all()
            lineages: dict[int, Any] = {goal_id: lineage for goal_id, lineage in rows}
            approved = (await conn.execute(text("SELECT approved_goal_id FROM fund_budget"))).scalar_one()
            aggregations = (
                await conn.execute(text("SELECT aggregation FROM indicator ORDER BY level3"))
            ).scalars()
            assert list(aggregations) == ["SUM", "RATE", "NONE"]
        assert None not in lineages.values()
        assert lineages[2] == lineages[3] != lineages[1]
        assert approved == 3
    finally:
        async with engine.begin() as conn:
            for table in ("indicator", "fund_budget", "goal", "fund_type", "region"):
                await conn.execute(text(f"DELETE FROM {table}"))
        await migrate.upgrade(engine)


async def test_0007_keeps_the_newest_of_duplicate_live_jobs(
    engine: AsyncEngine, sessionmaker: object
) -> None:
    """Jobs two requests made at the same moment before the index: the newest stays, the older one fails
    with the reason; a batch's children, sharing the fingerprint, stay as they are."""
    job = (
        "INSERT INTO report_job (id, kind, format, status, requested_by_id, organization_id, fingerprint,"
        " parent_id, created_at, updated_at, row_version) VALUES ({}, 'GOAL_TABLE', 'DOCX', '{}', 1, 1, 'f',"
        " {}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
    )
    statements = [
        "INSERT INTO region (id, code, name, level, path)"
        " VALUES (1, '510000', '四川省', 'province', '/510000/')",
        "INSERT INTO organization (id, name, actor_type, region_id) VALUES (1, '四川省财政厅', 'FINANCE', 1)",
        "INSERT INTO app_user (id, username, full_name, password_hash, organization_id, is_active, is_admin,"
        " created_at, updated_at)"
        " VALUES (1, 'u', 'u', 'x', 1, TRUE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        job.format(1, "SUCCEEDED", "NULL"),
        job.format(2, "QUEUED", "NULL"),
        job.format(3, "QUEUED", "NULL"),
        job.format(4, "QUEUED", 3),
    ]
    try:
        await migrate.downgrade(engine, "0006")
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, status, error FROM report_job ORDER BY id"))).all()
        assert [(r[0], r[1]) for r in rows] == [(1, "FAILED"), (2, "FAILED"), (3, "QUEUED"), (4, "QUEUED")]
        assert "较新的任务" in rows[0][2]
    finally:
        async with engine.begin() as conn:
            for table in ("report_job", "app_user", "organization", "region"):
                await conn.execute(text(f"DELETE FROM {table}"))
        await migrate.upgrade(engine)


async def test_art14_0010_carries_indicator_lineage_over(engine: AsyncEngine, sessionmaker: object) -> None:
    """0010 backfills: an indicator with the same three names in the versions of one goal shares one lineage;
    a renamed or re-categorised one, a new one, one of another goal, and names a version holds twice each
    start their own. Downgrading drops the column and keeps the rows."""
    lineage_a, lineage_b = "a" * 32, "b" * 32
    indicators = (  # id, goal, level2, level3
        (1, 1, "数量", "参保人数"),
        (2, 1, "质量", "待遇按时足额发放率"),
        (3, 1, "数量", "重复指标"),
        (4, 1, "数量", "重复指标"),
        (5, 2, "数量", "参保人数"),
        (6, 2, "时效", "待遇按时足额发放率"),  # re-categorised in version 2
        (7, 2, "数量", "新增指标"),
        (8, 2, "数量", "重复指标"),
        (9, 3, "数量", "参保人数"),  # another goal (its own lineage) with the same names
        (10, 4, "数量", "参保人数"),
    )
    statements = [
        "INSERT INTO region (id, code, name, level, path)"
        " VALUES (1, '510000', '四川省', 'province', '/510000/')",
        "INSERT INTO fund_type (id, code, name_zh, administration, sort_order, active)"
        " VALUES (1, 'EMPLOYEE_MEDICAL', '职工医保', 'MEDICAL_SECURITY', 1, TRUE)",
        *(
            "INSERT INTO goal (id, title, horizon, start_year, end_year, content, fund_type_id, region_id,"
            f" status, version, lineage_id, previous_version_id) VALUES ({goal_id}, 't', 'ANNUAL', {year},"
            f" {year}, '', 1, 1, '{status}', {version}, '{lineage}', {previous})"
            for goal_id, year, status, version, lineage, previous in (
                (1, 2026, "SUPERSEDED", 1, lineage_a, "NULL"),
                (2, 2026, "ISSUED", 2, lineage_a, "1"),
                (4, 2026, "DRAFT", 3, lineage_a, "2"),
                (3, 2027, "DRAFT", 1, lineage_b, "NULL"),
            )
        ),
        *(
            "INSERT INTO indicator (id, goal_id, level1, level2, level3, kind, comparator, unit, aggregation,"
            f" weight, definition, sort_order) VALUES ({indicator_id}, {goal_id}, 'OUTPUT', '{level2}',"
            f" '{level3}', 'QUANTITATIVE', 'GE', '%', 'RATE', 1000, '', {indicator_id})"
            for indicator_id, goal_id, level2, level3 in indicators
        ),
    ]
    try:
        await migrate.downgrade(engine, "0009")
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, lineage_id FROM indicator"))).all()
        lineage: dict[int, Any] = dict(rows)
        assert None not in lineage.values()
        assert lineage[1] == lineage[5] == lineage[10]  # versions 1, 2 and 3 of one goal
        shared = {1, 5, 10}
        others = [lineage[i] for i in lineage if i not in shared]
        assert len(set(others)) == len(others) and lineage[1] not in others

        await migrate.downgrade(engine, "0009")
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda c: [col["name"] for col in inspect(c).get_columns("indicator")]
            )
            count = (await conn.execute(text("SELECT COUNT(*) FROM indicator"))).scalar_one()
        assert "lineage_id" not in columns and count == len(indicators)
    finally:
        async with engine.begin() as conn:
            for table in ("indicator", "goal", "fund_type", "region"):
                await conn.execute(text(f"DELETE FROM {table}"))
        await migrate.upgrade(engine)


async def test_art10_0011_puts_a_guiding_goal_approved_nationally_back_in_force(
    engine: AsyncEngine, sessionmaker: object
) -> None:
    """0011: a goal issued as guiding and then approved by the national departments was NATIONAL_APPROVED;
    it is ISSUED_GUIDING again (in force), with the time of its approval. One approved without having been
    issued stays NATIONAL_APPROVED (not in force). Downgrading restores the old status."""
    transition = (
        "INSERT INTO goal_transition (goal_id, action, from_status, to_status, user_id, organization_id, at)"
        " VALUES ({}, '{}', 'REVIEWED', 'X', 1, 1, '2026-03-0{} 08:00:00')"
    )
    statements = [
        "INSERT INTO region (id, code, name, level, path)"
        " VALUES (1, '510000', '四川省', 'province', '/510000/')",
        "INSERT INTO fund_type (id, code, name_zh, administration, sort_order, active)"
        " VALUES (1, 'WORK_INJURY', '工伤保险', 'HRSS', 1, TRUE)",
        "INSERT INTO organization (id, name, actor_type, region_id) VALUES (1, '四川省财政厅', 'FINANCE', 1)",
        "INSERT INTO app_user (id, username, full_name, password_hash, organization_id, is_active, is_admin,"
        " created_at, updated_at)"
        " VALUES (1, 'u', 'u', 'x', 1, TRUE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        *(
            "INSERT INTO goal (id, title, horizon, start_year, end_year, content, fund_type_id, region_id,"
            f" status, version, lineage_id) VALUES ({goal_id}, 't', 'ANNUAL', {year}, {year}, '', 1, 1,"
            f" 'NATIONAL_APPROVED', 1, '{goal_id:032x}')"
            for goal_id, year in ((1, 2026), (2, 2027))
        ),
        transition.format(1, "ISSUE_GUIDING", 1),
        transition.format(1, "SUBMIT_TO_NATIONAL", 2),
        transition.format(1, "NATIONAL_APPROVE", 3),
        transition.format(2, "SUBMIT_TO_NATIONAL", 2),
        transition.format(2, "NATIONAL_APPROVE", 3),
    ]
    query = text("SELECT id, status, national_approved_at, row_version FROM goal ORDER BY id")
    try:
        await migrate.downgrade(engine, "0010")
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        assert [(r[0], r[1], r[3]) for r in rows] == [(1, "ISSUED_GUIDING", 2), (2, "NATIONAL_APPROVED", 1)]
        assert str(rows[0][2]).startswith("2026-03-03")  # the NATIONAL_APPROVE step's time
        assert rows[1][2] is None
        await migrate.downgrade(engine, "0010")
        async with engine.connect() as conn:
            statuses = (await conn.execute(text("SELECT status FROM goal ORDER BY id"))).scalars()
            assert list(statuses) == ["NATIONAL_APPROVED", "NATIONAL_APPROVED"]
    finally:
        async with engine.begin() as conn:
            for table in ("goal_transition", "goal", "app_user", "organization", "fund_type", "region"):
                await conn.execute(text(f"DELETE FROM {table}"))
        await migrate.upgrade(engine)


async def test_art23_0014_carries_the_goal_numbers_over_to_subjects_and_families(
    engine: AsyncEngine, sessionmaker: object
) -> None:
    """0014: each number of a goal becomes the number of subject ('Goal', its goal) in family 财社, as
    printed; the sequences go on per family. Downgrading keeps the goals' 财社 numbers and drops others."""
    statements = [
        "INSERT INTO region (id, code, name, level, path)"
        " VALUES (1, '510000', '四川省', 'province', '/510000/')",
        "INSERT INTO fund_type (id, code, name_zh, administration, sort_order, active)"
        " VALUES (1, 'WORK_INJURY', '工伤保险', 'HRSS', 1, TRUE)",
        "INSERT INTO organization (id, name, actor_type, region_id) VALUES (1, '四川省财政厅', 'FINANCE', 1)",
        *(
            "INSERT INTO goal (id, title, horizon, start_year, end_year, content, fund_type_id, region_id,"
            f" status, version, lineage_id) VALUES ({goal_id}, 't', 'ANNUAL', 2026, 2026, '', 1, 1,"
            f" '{status}', {goal_id}, '{1:032x}')"
            for goal_id, status in ((1, "SUPERSEDED"), (2, "ISSUED"))
        ),
        *(
            "INSERT INTO document_number (organization_id, year, sequence, goal_id, prefix, text)"
            f" VALUES (1, 2026, {sequence}, {goal_id}, '川财社', '川财社〔2026〕{sequence}号')"
            for goal_id, sequence in ((2, 1), (1, 2))
        ),
    ]
    number = (
        "INSERT INTO document_number (organization_id, family, year, sequence, subject_type, subject_id,"
        " prefix, text) VALUES (1, '{}', 2026, {}, '{}', 1, '川{}', '{}')"
    )
    query = "SELECT subject_type, subject_id, family, sequence, text FROM document_number ORDER BY sequence"
    try:
        await migrate.downgrade(engine, "0013")
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await migrate.upgrade(engine, "0014")
        async with engine.begin() as conn:
            assert [tuple(r) for r in (await conn.execute(text(query))).all()] == [
                ("Goal", 2, "财社", 1, "川财社〔2026〕1号"),
                ("Goal", 1, "财社", 2, "川财社〔2026〕2号"),
            ]
            # Another family's sequence starts at 1, for a subject of another type.
            await conn.execute(text(number.format("人社", 1, "Memo", "人社", "川人社〔2026〕1号")))
            with pytest.raises(IntegrityError):  # one number per subject and family
                async with conn.begin_nested():
                    await conn.execute(text(number.format("财社", 3, "Goal", "财社", "x")))
        await migrate.downgrade(engine, "0013")
        async with engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT goal_id, sequence FROM document_number ORDER BY id"))
            ).all()
        assert [tuple(r) for r in rows] == [(2, 1), (1, 2)]
    finally:
        async with engine.begin() as conn:
            for table in ("document_number", "goal", "organization", "fund_type", "region"):
                await conn.execute(text(f"DELETE FROM {table}"))
        await migrate.upgrade(engine)
