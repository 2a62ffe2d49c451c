"""Random monitoring rows for the visibility agreement (test_visibility_agreement.py): actuals and budget
execution entered by the pooling region or a region below it, warnings in every status, reports in every
status, compilations of prefectures drafted and sent, deadline notices with and without a fund."""

import random
import uuid
from datetime import date
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, Goal, Region, User
from src.models.enums import BudgetItem, GoalStatus, RegionLevel
from src.models.monitoring import (
    BudgetExecution,
    CompilationStatus,
    DeadlineNotice,
    IndicatorActual,
    Light,
    MonitoringCompilation,
    MonitoringReport,
    MonitoringReportStatus,
    MonitoringWarning,
    WarningKind,
    WarningStatus,
)
from src.services.policy import ISSUED_STATES

ROWS = 12  # of each kind


async def make_monitoring_rows(session: AsyncSession, rng: random.Random) -> None:
    # Goals that were in force (monitoring follows only those): never the drafts the agreement deletes.
    in_force = [*ISSUED_STATES, GoalStatus.SUPERSEDED]
    goals_stmt = select(Goal).where(col(Goal.status).in_(in_force)).order_by(col(Goal.id))
    goals = list((await session.exec(goals_stmt)).all())
    budgets = list((await session.exec(select(FundBudget).order_by(col(FundBudget.id)))).all())
    regions = list((await session.exec(select(Region).order_by(col(Region.id)))).all())
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    assert goals and budgets and user is not None and user.id is not None
    by_id = {r.id: r for r in regions}

    def part_of(region_id: int) -> int:
        """The region itself or one directly below it (a part entering its own figures)."""
        below = [r.id for r in regions if r.parent_id == region_id and r.id is not None]
        return rng.choice([region_id, *below])

    for month, goal in enumerate(rng.sample(goals, ROWS), start=1):
        session.add(
            IndicatorActual(
                goal_id=goal.id or 0,
                goal_lineage_id=goal.lineage_id,
                indicator_lineage_id=uuid.uuid4(),
                pooling_region_id=goal.region_id,
                region_id=part_of(goal.region_id),
                fund_type_id=goal.fund_type_id,
                year=goal.start_year,
                month=month,
                value=Decimal(rng.randint(0, 100)),
                organization_id=user.organization_id,
                user_id=user.id,
            )
        )
        session.add(
            MonitoringWarning(
                key=f"INDICATOR:{uuid.uuid4()}",
                kind=WarningKind.INDICATOR,
                region_id=goal.region_id,
                fund_type_id=goal.fund_type_id,
                goal_id=goal.id or 0,
                indicator_lineage_id=uuid.uuid4(),
                year=goal.start_year,
                month=month,
                light=rng.choice([Light.RED, Light.YELLOW]),
                status=rng.choice(list(WarningStatus)),
            )
        )
        session.add(
            MonitoringReport(
                region_id=goal.region_id,
                fund_type_id=goal.fund_type_id,
                year=goal.start_year,
                month=month,
                status=rng.choice(list(MonitoringReportStatus)),
                drafter_organization_id=user.organization_id,
            )
        )
        session.add(
            DeadlineNotice(
                key=f"REPORT:{uuid.uuid4()}",
                region_id=goal.region_id,
                fund_type_id=rng.choice([goal.fund_type_id, None]),
                due_on=date(goal.start_year, 1, 31),
            )
        )
    for month, budget in enumerate(rng.sample(budgets, ROWS), start=1):
        session.add(
            BudgetExecution(
                budget_id=budget.id or 0,
                item=rng.choice(list(BudgetItem)),
                pooling_region_id=budget.region_id,
                region_id=part_of(budget.region_id),
                fund_type_id=budget.fund_type_id,
                year=budget.year,
                month=month,
                amount=Decimal(rng.randint(0, 10**6)),
                organization_id=user.organization_id,
                user_id=user.id,
            )
        )
    prefectures = [r for r in regions if r.level == RegionLevel.PREFECTURE and r.id is not None]
    for prefecture in rng.sample(prefectures, min(ROWS, len(prefectures))):
        assert prefecture.id is not None and by_id[prefecture.id] is prefecture
        session.add(
            MonitoringCompilation(
                region_id=prefecture.id,
                year=rng.choice([2025, 2026]),
                status=rng.choice(list(CompilationStatus)),
                organization_id=user.organization_id,
            )
        )
    await session.flush()
