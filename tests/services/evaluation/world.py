"""The self-evaluation tests' world: a pooling region's 2026 annual goal, issued in March 2026 (its
transition on record), with four indicators — an amount (参保人数 ≥ 1200, SUM), a rate (待遇按时足额发放率
≥ 95 %, RATE, entered by two counties' numerators and denominators), a cap (预算调整率 ≤ 10 %) and a
qualitative one — its approved budget and monitoring's figures of the year (June and December). "Today"
is 1 March 2027 in China unless a test moves it (monkeypatch clock.china_today)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from src.db import session_scope
from src.models import FundBudget, Goal, GoalTransition, Indicator
from src.models.enums import Aggregation, BudgetItem, BudgetStatus, Comparator, GoalStatus, IndicatorKind
from src.models.enums import QualitativeGrade as G
from src.services.actors import Actor
from tests.factories import make_actual, make_budget, make_execution, make_goal, make_indicator
from tests.services.conftest import Bodies, Sessionmaker

YEAR = 2026
TODAY = date(2027, 3, 1)
ISSUED = datetime(2026, 3, 5, 2, tzinfo=UTC)
JINJIANG, QINGYANG = "510104", "510105"


@dataclass(frozen=True)
class Evaluated:
    goal: Goal
    insured: Indicator  # 1250 in December (1100 in June): met
    paid: Indicator  # 45/50 + 45/50 = 90 % < 95 %: not met
    adjustments: Indicator  # 5 % ≤ 10 %: met
    policy: Indicator  # 达成: met
    budget: FundBudget
    bodies: Bodies


async def step(
    session: object, goal: Goal, by: Actor, to: GoalStatus, at: datetime, before: GoalStatus
) -> None:
    """A transition of `goal` on record, as the workflow writes it."""
    session.add(  # type: ignore[attr-defined]
        GoalTransition(
            goal_id=goal.id or 0,
            action="ISSUE",
            from_status=before,
            to_status=to,
            user_id=by.user_id,
            organization_id=by.organization_id,
            at=at,
        )
    )


async def evaluated(
    sessionmaker: Sessionmaker,
    bodies: Bodies,
    *,
    fund: str = "EMPLOYEE_MEDICAL",
    issued: datetime = ISSUED,
    figures: bool = True,
    entered_by: Actor | None = None,
) -> Evaluated:
    """The region's 2026 goal of `fund`, issued at `issued`, with its budget and (`figures`) the year's
    monitoring figures; counties enter the rate's parts when the region is a prefecture."""
    region = bodies.region_code
    agency = entered_by or bodies.agency
    async with session_scope(sessionmaker) as s:
        goal = await make_goal(s, fund_code=fund, region_code=region, status=GoalStatus.ISSUED, indicators=0)
        insured = await make_indicator(s, goal, weight=Decimal(40))
        paid = await make_indicator(
            s, goal, level3="待遇按时足额发放率", aggregation=Aggregation.RATE, target_value=Decimal(95),
            unit="%", weight=Decimal(30),
        )  # fmt: skip
        adjustments = await make_indicator(
            s, goal, level3="预算调整率", comparator=Comparator.LE, aggregation=Aggregation.NONE,
            target_value=Decimal(10), unit="%", weight=Decimal(20),
        )  # fmt: skip
        policy = await make_indicator(s, goal, level3="政策落实", kind=IndicatorKind.QUALITATIVE)
        await step(s, goal, bodies.finance, GoalStatus.ISSUED, issued, GoalStatus.REVIEWED)
        budget = await make_budget(
            s, fund_code=fund, region_code=region, status=BudgetStatus.APPROVED, approved_goal_id=goal.id
        )
        if figures:
            await make_actual(s, insured, month=6, by=agency, value=Decimal(1100))
            await make_actual(s, insured, month=12, by=agency, value=Decimal(1250))
            parts = (JINJIANG, QINGYANG) if region.endswith("0100") else (None,)
            for part in parts:
                await make_actual(
                    s,
                    paid,
                    month=12,
                    by=agency,
                    numerator=Decimal(45),
                    denominator=Decimal(50),
                    region_code=part,
                )
            await make_actual(s, adjustments, month=12, by=agency, value=Decimal(9))  # within 20 % of the cap
            await make_actual(s, policy, month=12, by=agency, grade=G.ACHIEVED)
            await make_execution(s, budget, BudgetItem.BENEFITS, month=6, amount=Decimal(1000), by=agency)
            await make_execution(
                s, budget, BudgetItem.BENEFITS, month=12, amount=Decimal("5800000.00"), by=agency
            )
            await make_execution(
                s, budget, BudgetItem.TRANSFER_OUT, month=12, amount=Decimal("7000000.00"), by=agency
            )
    return Evaluated(goal, insured, paid, adjustments, policy, budget, bodies)
