"""GraphQL tests of monitoring: the services' world (tests/services/monitoring/conftest.py) — a 2026 goal
of employee medical insurance in force at 成都市 with its approved budget — and "today" 15 July 2026 in
China for every request."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models.enums import BudgetStatus, GoalStatus
from src.services.monitoring import clock
from tests.factories import make_budget, make_goal
from tests.services.monitoring.entry_world import TODAY, add_indicators


@dataclass(frozen=True)
class Target:
    goal_id: int
    indicators: dict[str, int]  # level3 → id
    budget_id: int


@pytest.fixture(autouse=True)
def mid_july(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(clock, "china_today", lambda: TODAY)
    return TODAY


@pytest.fixture
async def target(sessionmaker: async_sessionmaker[AsyncSession], reference: None) -> Target:
    async with session_scope(sessionmaker) as session:
        goal = await make_goal(session, region_code="510100", status=GoalStatus.ISSUED, indicators=0)
        indicators = await add_indicators(session, goal)
        budget = await make_budget(session, region_code="510100", status=BudgetStatus.APPROVED)
        return Target(goal.id or 0, indicators, budget.id or 0)
