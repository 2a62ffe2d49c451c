"""The goal a budget rests on (Art. 7, 10): the pooling region's annual goal in force — issued, guiding or
formal, the newest such version. Approved by the national departments but not issued is not in force."""

import uuid

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import GoalStatus
from src.seed.reference import load_reference_data
from src.services.budgets.approval import goal_in_force_id
from tests.factories import make_budget, make_goal

S = GoalStatus


@pytest.mark.parametrize(
    ("statuses", "in_force"),
    [
        ([S.NATIONAL_APPROVED], None),
        ([S.SUBMITTED_TO_NATIONAL], None),
        ([S.ISSUED_GUIDING, S.NATIONAL_APPROVED], 1),  # the new version approved, not yet issued
        ([S.ISSUED, S.NATIONAL_APPROVED], 1),
        ([S.SUPERSEDED, S.ISSUED_GUIDING], 2),
        ([S.SUPERSEDED, S.ISSUED], 2),
    ],
)
async def test_art10_the_goal_in_force_is_the_newest_issued_version(
    sessionmaker: async_sessionmaker[AsyncSession], statuses: list[GoalStatus], in_force: int | None
) -> None:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        lineage = uuid.uuid4()
        versions = [
            await make_goal(session, status=status, version=number, lineage_id=lineage, indicators=1)
            for number, status in enumerate(statuses, start=1)
        ]
        budget = await make_budget(session)
        found = await goal_in_force_id(session, budget)
    assert found == (None if in_force is None else versions[in_force - 1].id)
