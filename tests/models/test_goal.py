"""Constraints of the goal tables that the services rely on, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Indicator
from src.seed.reference import load_reference_data
from tests.factories import make_goal


async def test_art14_an_indicator_lineage_appears_once_in_a_goal(session: AsyncSession) -> None:
    await load_reference_data(session=session)
    goal = await make_goal(session, region_code="510000", indicators=2)
    await session.commit()
    first, second = (
        await session.exec(select(Indicator).where(Indicator.goal_id == goal.id).order_by(col(Indicator.id)))
    ).all()
    assert first.lineage_id != second.lineage_id  # each new indicator starts its own
    second.lineage_id = first.lineage_id
    session.add(second)
    with pytest.raises(IntegrityError):
        await session.commit()
