"""Service tests of monitoring (src/services/monitoring/): the starting state is a goal in force with one
indicator of each way of comparing (an amount, a rate, a cap, a qualitative one) and its budget, in 成都
(a pooling region of the medical funds: Art. 6); actuals and execution are put in place with
tests/factories.py (make_actual, make_execution), as the entry service would store them."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from src.db import session_scope
from src.models import FundBudget, Goal, Indicator
from src.models.enums import Aggregation, BudgetStatus, Comparator, GoalStatus, IndicatorKind
from src.models.rules import RegionalRule
from tests.factories import make_budget, make_goal, make_indicator, region_id
from tests.services.conftest import Bodies, Sessionmaker

YEAR = 2026
FUND = "EMPLOYEE_MEDICAL"


@dataclass(frozen=True)
class Monitored:
    goal: Goal
    insured: Indicator  # 参保人数 ≥ 1200 万人, SUM: pro-rated
    paid: Indicator  # 待遇按时足额发放率 ≥ 95%, RATE: numerator ÷ denominator
    adjustments: Indicator  # 预算调整率 ≤ 10%
    policy: Indicator  # qualitative
    budget: FundBudget  # every line; benefits 6,000,000.60, contributions adjusted to 1,234,567.89
    bodies: Bodies


async def monitored_goal(sessionmaker: Sessionmaker, bodies: Bodies, *, status: GoalStatus) -> Monitored:
    async with session_scope(sessionmaker) as s:
        goal = await make_goal(s, fund_code=FUND, region_code=bodies.region_code, status=status, indicators=0)
        insured = await make_indicator(s, goal)
        paid = await make_indicator(
            s,
            goal,
            level3="待遇按时足额发放率",
            aggregation=Aggregation.RATE,
            target_value=Decimal(95),
            unit="%",
        )
        adjustments = await make_indicator(
            s, goal, level3="预算调整率", comparator=Comparator.LE, aggregation=Aggregation.RATE,
            target_value=Decimal(10), unit="%",
        )  # fmt: skip
        policy = await make_indicator(s, goal, level3="政策落实", kind=IndicatorKind.QUALITATIVE)
        budget = await make_budget(
            s,
            fund_code=FUND,
            region_code=bodies.region_code,
            status=BudgetStatus.APPROVED,
            approved_goal_id=goal.id,
        )
    return Monitored(goal, insured, paid, adjustments, policy, budget, bodies)


@pytest.fixture
async def monitored(sessionmaker: Sessionmaker, chengdu: Bodies) -> Monitored:
    """成都's 2026 employee medical goal, issued, with its approved budget."""
    return await monitored_goal(sessionmaker, chengdu, status=GoalStatus.ISSUED)


async def set_rule(sessionmaker: Sessionmaker, region_code: str, key: str, value: str) -> None:
    """A region's own rule (Art. 23), stored as the rule editor stores it."""
    async with session_scope(sessionmaker) as s:
        s.add(RegionalRule(region_id=await region_id(s, region_code), key=key, value=value))


# The entry tests' world (tests/services/monitoring/entry_world.py), a fixture for every test here.
from tests.services.monitoring.entry_world import world  # noqa: E402, F401

# The report tests' goal in force (tests/services/monitoring/report_world.py).
from tests.services.monitoring.report_world import chengdu_goal  # noqa: E402, F401
