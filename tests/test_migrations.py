"""Migrations build the schema the models describe, and can be undone."""

import warnings
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
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
