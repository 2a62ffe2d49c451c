"""The world of the entry tests (src/services/monitoring/entries.py, executions.py; its fixture is
shared through conftest.py): a 2026 goal of
employee medical insurance in force at 成都市 (pooled by prefecture, so its counties enter their own parts,
Art. 6) with one indicator of each kind an entry distinguishes, and its approved budget; the bodies of
成都市 and of two of its counties (锦江区, 青羊区). "Today" is 15 July 2026 in China: January to June have
ended and may be entered."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models import Goal, Indicator
from src.models.enums import (
    ActorType,
    Aggregation,
    BudgetStatus,
    Comparator,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.models.monitoring import BudgetExecution, IndicatorActual
from src.services.actors import Actor
from src.services.monitoring.entries import record_actuals
from src.services.monitoring.entry_rows import ActualRow, ExecutionRow, Recorded
from src.services.monitoring.executions import record_executions
from tests.factories import make_actor, make_budget, make_goal
from tests.services.conftest import CHENGDU, MED, Bodies, Call, Sessionmaker, bodies_of

TODAY = date(2026, 7, 15)
JINJIANG, QINGYANG = "510104", "510105"

Q, L = IndicatorKind.QUANTITATIVE, IndicatorKind.QUALITATIVE
OUT, PRO, BEN = IndicatorCategory.OUTPUT, IndicatorCategory.PROCESS, IndicatorCategory.BENEFIT
DEC = IndicatorCategory.DECISION
# level3 → (level1, kind, comparator, target, unit, aggregation, numerator label, denominator label)
INDICATORS: dict[str, tuple[Any, ...]] = {
    "待遇按时足额发放率": (OUT, Q, Comparator.EQ, "100", "%", Aggregation.RATE,
                          "按时足额发放人次", "应发放人次"),
    "基金收入预算完成率": (PRO, Q, Comparator.GE, "95", "%", Aggregation.RATE, "", ""),
    "参保人数": (OUT, Q, Comparator.GE, "320", "万人", Aggregation.SUM, "", ""),
    "技能提升补贴发放人次": (OUT, Q, Comparator.GE, "5000", "人次", Aggregation.SUM, "", ""),
    "参保对象满意度": (BEN, Q, Comparator.GE, "90", "%", Aggregation.NONE, "", ""),
    "参保人数增长率": (BEN, Q, Comparator.GE, "2", "%", Aggregation.NONE, "", ""),
    "申领办理时限": (OUT, Q, Comparator.LE, "5", "工作日", Aggregation.NONE, "", ""),
    "政策调整落实及时性": (DEC, L, Comparator.GRADE, None, "", Aggregation.NONE, "", ""),
}  # fmt: skip


@dataclass(frozen=True)
class World:
    goal_id: int
    indicators: dict[str, int]  # level3 → id
    budget_id: int
    chengdu: Bodies
    jinjiang: Bodies
    qingyang: Bodies


async def add_indicators(session: AsyncSession, goal: Goal) -> dict[str, int]:
    rows: dict[str, Indicator] = {}
    for order, (name, spec) in enumerate(INDICATORS.items()):
        level1, kind, comparator, target, unit, aggregation, numerator, denominator = spec
        rows[name] = Indicator(
            goal_id=goal.id or 0,
            level1=level1,
            level2="二级",
            level3=name,
            kind=kind,
            comparator=comparator,
            target_value=Decimal(target) if target else None,
            target_grade=QualitativeGrade.ACHIEVED if kind == L else None,
            unit=unit,
            aggregation=aggregation,
            numerator_label=numerator,
            denominator_label=denominator,
            weight=Decimal("12.5"),
            sort_order=order,
        )
    session.add_all(rows.values())
    await session.flush()
    return {name: row.id or 0 for name, row in rows.items()}


@pytest.fixture
async def world(sessionmaker: Sessionmaker, reference: None) -> World:
    async with session_scope(sessionmaker) as session:
        goal = await make_goal(session, region_code=CHENGDU, status=GoalStatus.ISSUED, indicators=0)
        indicators = await add_indicators(session, goal)
        budget = await make_budget(session, region_code=CHENGDU, status=BudgetStatus.APPROVED)
        goal_id, budget_id = goal.id or 0, budget.id or 0
    return World(
        goal_id=goal_id,
        indicators=indicators,
        budget_id=budget_id,
        chengdu=await bodies_of(sessionmaker, CHENGDU),
        jinjiang=await bodies_of(sessionmaker, JINJIANG),
        qingyang=await bodies_of(sessionmaker, QINGYANG),
    )


async def agency(sessionmaker: Sessionmaker, region_code: str, administration: Any = MED) -> Actor:
    return await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=region_code, administration=administration
    )


def enter(
    actor: Actor, rows: Sequence[ActualRow], reason: str = "", today: date = TODAY
) -> Call[Recorded[IndicatorActual]]:
    async def call(session: AsyncSession) -> Recorded[IndicatorActual]:
        return await record_actuals(session=session, actor=actor, rows=rows, reason=reason, today=today)

    return call


def execute(
    actor: Actor, rows: Sequence[ExecutionRow], reason: str = "", today: date = TODAY
) -> Call[Recorded[BudgetExecution]]:
    async def call(session: AsyncSession) -> Recorded[BudgetExecution]:
        return await record_executions(session=session, actor=actor, rows=rows, reason=reason, today=today)

    return call


async def stored_actuals(sessionmaker: Sessionmaker) -> list[IndicatorActual]:
    async with sessionmaker() as session:
        stmt = select(IndicatorActual).order_by(col(IndicatorActual.id))
        return list((await session.exec(stmt)).all())


async def stored_executions(sessionmaker: Sessionmaker) -> list[BudgetExecution]:
    async with sessionmaker() as session:
        stmt = select(BudgetExecution).order_by(col(BudgetExecution.id))
        return list((await session.exec(stmt)).all())
