"""Small factories for the monitoring report and compilation tests: a goal in force with one indicator of
each way of comparing (a SUM count, a RATE entered as numerator and denominator, a ≤ cap, a qualitative
one), and monitoring rows put in place directly (entries, execution, warnings, reports) — the services
that enter them are tested on their own."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, Goal, Indicator
from src.models.enums import (
    Aggregation,
    BudgetItem,
    Comparator,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.models.monitoring import (
    BudgetExecution,
    CompletionLikelihood,
    IndicatorActual,
    Light,
    MonitoringReport,
    MonitoringReportStatus,
    MonitoringWarning,
    WarningKind,
    WarningStatus,
)
from src.services.actors import Actor
from tests.factories import make_budget, make_goal, region_id

COUNT, RATE, CAP, POLICY = "年末参保人数", "待遇按时足额发放率", "基金结余率", "政策制定"


@dataclass(frozen=True)
class GoalInForce:
    goal: Goal
    budget: FundBudget
    indicators: dict[str, Indicator]  # by 三级指标


def _indicator(
    goal_id: int, order: int, level1: IndicatorCategory, level2: str, level3: str, **fields: object
) -> Indicator:
    return Indicator(
        goal_id=goal_id,
        level1=level1,
        level2=level2,
        level3=level3,
        sort_order=order,
        weight=Decimal(25),
        **fields,  # type: ignore[arg-type]
    )


async def goal_in_force(
    session: AsyncSession,
    *,
    region_code: str = "510100",
    fund_code: str = "EMPLOYEE_MEDICAL",
    year: int = 2026,
) -> GoalInForce:
    """An issued annual goal of the fund and region with its budget, and four indicators."""
    goal = await make_goal(
        session,
        region_code=region_code,
        fund_code=fund_code,
        year=year,
        status=GoalStatus.ISSUED,
        indicators=0,
    )
    assert goal.id is not None
    gid = goal.id
    quantitative = {"kind": IndicatorKind.QUANTITATIVE}
    rows = [
        _indicator(
            gid,
            0,
            IndicatorCategory.OUTPUT,
            "数量指标",
            COUNT,
            **quantitative,
            comparator=Comparator.GE,
            target_value=Decimal(1000),
            unit="万人",
            aggregation=Aggregation.SUM,
        ),
        _indicator(
            gid,
            1,
            IndicatorCategory.BENEFIT,
            "社会效益指标",
            RATE,
            **quantitative,
            comparator=Comparator.GE,
            target_value=Decimal(100),
            unit="%",
            aggregation=Aggregation.RATE,
            numerator_label="按时足额发放人数",
            denominator_label="应发放人数",
        ),
        _indicator(
            gid,
            2,
            IndicatorCategory.PROCESS,
            "基金预算管理",
            CAP,
            **quantitative,
            comparator=Comparator.LE,
            target_value=Decimal(5),
            unit="%",
            aggregation=Aggregation.NONE,
        ),
        _indicator(
            gid,
            3,
            IndicatorCategory.DECISION,
            "政策制定",
            POLICY,
            kind=IndicatorKind.QUALITATIVE,
            comparator=Comparator.GRADE,
            target_grade=QualitativeGrade.ACHIEVED,
        ),
    ]
    session.add_all(rows)
    await session.flush()
    budget = await make_budget(session, region_code=region_code, fund_code=fund_code, year=year)
    return GoalInForce(goal, budget, {i.level3: i for i in rows})


async def add_actual(
    session: AsyncSession,
    target: GoalInForce,
    level3: str,
    *,
    by: Actor,
    region_code: str,
    month: int,
    value: str | None = None,
    numerator: str | None = None,
    denominator: str | None = None,
    grade: QualitativeGrade | None = None,
    likelihood: CompletionLikelihood | None = None,
    **texts: str,
) -> IndicatorActual:
    goal, indicator = target.goal, target.indicators[level3]
    row = IndicatorActual(
        goal_id=goal.id or 0,
        goal_lineage_id=goal.lineage_id,
        indicator_lineage_id=indicator.lineage_id,
        pooling_region_id=goal.region_id,
        region_id=await region_id(session, region_code),
        fund_type_id=goal.fund_type_id,
        year=goal.start_year,
        month=month,
        value=Decimal(value) if value is not None else None,
        numerator=Decimal(numerator) if numerator is not None else None,
        denominator=Decimal(denominator) if denominator is not None else None,
        grade=grade,
        likelihood=likelihood,
        organization_id=by.organization_id,
        user_id=by.user_id,
        **texts,  # type: ignore[arg-type]
    )
    session.add(row)
    await session.flush()
    return row


async def add_execution(
    session: AsyncSession,
    target: GoalInForce,
    item: BudgetItem,
    amount: str,
    *,
    by: Actor,
    region_code: str,
    month: int,
) -> BudgetExecution:
    budget = target.budget
    row = BudgetExecution(
        budget_id=budget.id or 0,
        item=item,
        pooling_region_id=budget.region_id,
        region_id=await region_id(session, region_code),
        fund_type_id=budget.fund_type_id,
        year=budget.year,
        month=month,
        amount=Decimal(amount),
        organization_id=by.organization_id,
        user_id=by.user_id,
    )
    session.add(row)
    await session.flush()
    return row


async def add_warning(
    session: AsyncSession,
    target: GoalInForce,
    *,
    month: int,
    light: Light = Light.RED,
    level3: str | None = None,
    item: BudgetItem | None = None,
    status: WarningStatus = WarningStatus.OPEN,
    deviation: str = "-45.00",
) -> MonitoringWarning:
    goal = target.goal
    lineage = target.indicators[level3].lineage_id if level3 is not None else None
    row = MonitoringWarning(
        key=f"{lineage or item}:{goal.region_id}:{goal.fund_type_id}:{goal.start_year}-{month}",
        kind=WarningKind.INDICATOR if level3 else WarningKind.EXECUTION,
        region_id=goal.region_id,
        fund_type_id=goal.fund_type_id,
        goal_id=goal.id or 0,
        indicator_lineage_id=lineage,
        budget_item=item,
        year=goal.start_year,
        month=month,
        light=light,
        ratio=Decimal(deviation) + 100,
        deviation=Decimal(deviation),
        status=status,
    )
    session.add(row)
    await session.flush()
    return row


async def put_report(
    session: AsyncSession,
    target: GoalInForce,
    *,
    by: Actor,
    month: int = 12,
    status: MonitoringReportStatus = MonitoringReportStatus.ACCEPTED,
) -> MonitoringReport:
    """A report put in place in `status` (accepted: by both sides, with its narrative)."""
    goal = target.goal
    accepted = (
        datetime(goal.start_year + 1, 1, 10, tzinfo=UTC)
        if status == MonitoringReportStatus.ACCEPTED
        else None
    )
    report = MonitoringReport(
        region_id=goal.region_id,
        fund_type_id=goal.fund_type_id,
        year=goal.start_year,
        month=month,
        status=status,
        progress="基金运行平稳，参保扩面按序时推进。",
        problems="部分县区待遇支出进度偏慢。",
        measures="督促各县区加快支出进度。",
        content_revision=1,
        tax_concurred_revision=1,
        drafter_organization_id=by.organization_id,
        submitted_at=accepted,
        finance_accepted_at=accepted,
        administration_accepted_at=accepted,
    )
    session.add(report)
    await session.flush()
    return report


async def indicator_of(session: AsyncSession, goal: Goal, level3: str) -> Indicator:
    stmt = select(Indicator).where(Indicator.goal_id == goal.id, Indicator.level3 == level3)
    return (await session.exec(stmt.order_by(col(Indicator.id)))).one()


def lineage() -> uuid.UUID:
    return uuid.uuid4()
