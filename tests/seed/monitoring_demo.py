"""The demo's monitoring rows read back, and what the tests compare them with: each pooling region's figure
per indicator and month as the parts' sum (the roll-up, Art. 12), and its light by the target comparison."""

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, FundType, Goal, Indicator, Organization, Region, User
from src.models.enums import BudgetItem, GoalHorizon, GoalStatus
from src.models.monitoring import (
    BudgetExecution,
    IndicatorActual,
    MonitoringCompilation,
    MonitoringCompilationRecipient,
    MonitoringReport,
    MonitoringReportTransition,
    MonitoringWarning,
)
from src.seed.demo import DemoCounts
from src.services.monitoring.comparison import Lit, Thresholds, indicator_light

Row = TypeVar("Row", bound=SQLModel)
HUNDRED = Decimal(100)
PLACES = Decimal("0.0001")


@dataclass
class MonitoringDemo:
    counts: DemoCounts
    regions: dict[int, Region]
    funds: dict[int, FundType]
    orgs: dict[int, Organization]
    users: dict[int, User]
    goals: dict[int, Goal]
    indicators: dict[uuid.UUID, Indicator]  # of the goals in force, by lineage
    budgets: dict[int, FundBudget]
    lines: dict[tuple[int, BudgetItem], FundBudgetLine]
    actuals: list[IndicatorActual]
    executions: list[BudgetExecution]
    warnings: list[MonitoringWarning]
    reports: list[MonitoringReport]
    transitions: list[MonitoringReportTransition]
    compilations: list[MonitoringCompilation]
    recipients: list[MonitoringCompilationRecipient]
    # (indicator lineage, month) → the rows entered for it
    by_indicator: dict[tuple[uuid.UUID, int], list[IndicatorActual]] = field(default_factory=dict)

    def region(self, code: str) -> Region:
        return next(r for r in self.regions.values() if r.code == code)

    def goals_in_force(self) -> list[Goal]:
        """Annual goals in force of pooling regions: the goals with actuals."""
        ids = {a.goal_id for a in self.actuals}
        return [self.goals[i] for i in sorted(ids)]


async def read_monitoring(session: AsyncSession, counts: DemoCounts) -> MonitoringDemo:
    async def every(model: type[Row]) -> list[Row]:
        return list((await session.exec(select(model).order_by(col(model.id)))).all())  # type: ignore[attr-defined]

    goals = {g.id or 0: g for g in await every(Goal)}
    in_force = {
        g.id
        for g in goals.values()
        if g.horizon == GoalHorizon.ANNUAL and g.status in (GoalStatus.ISSUED, GoalStatus.ISSUED_GUIDING)
    }
    indicators = {i.lineage_id: i for i in await every(Indicator) if i.goal_id in in_force}
    demo = MonitoringDemo(
        counts=counts,
        regions={r.id or 0: r for r in await every(Region)},
        funds={f.id or 0: f for f in await every(FundType)},
        orgs={o.id or 0: o for o in await every(Organization)},
        users={u.id or 0: u for u in await every(User)},
        goals=goals,
        indicators=indicators,
        budgets={b.id or 0: b for b in await every(FundBudget)},
        lines={(x.budget_id, x.item): x for x in await every(FundBudgetLine)},
        actuals=await every(IndicatorActual),
        executions=await every(BudgetExecution),
        warnings=await every(MonitoringWarning),
        reports=await every(MonitoringReport),
        transitions=await every(MonitoringReportTransition),
        compilations=await every(MonitoringCompilation),
        recipients=await every(MonitoringCompilationRecipient),
    )
    grouped: dict[tuple[uuid.UUID, int], list[IndicatorActual]] = defaultdict(list)
    for actual in demo.actuals:
        grouped[(actual.indicator_lineage_id, actual.month)].append(actual)
    demo.by_indicator = dict(grouped)
    return demo


def rate(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * HUNDRED / denominator).quantize(PLACES, rounding=ROUND_HALF_UP)


def whole_value(rows: list[IndicatorActual]) -> Decimal | None:
    """The pooling region's figure: its own row, or the parts' sum; a rate from the summed parts."""
    if len(rows) == 1 and rows[0].numerator is None:
        return rows[0].value
    if rows[0].numerator is not None:
        numerator = sum((r.numerator or Decimal(0) for r in rows), Decimal(0))
        denominator = sum((r.denominator or Decimal(0) for r in rows), Decimal(0))
        return rate(numerator, denominator)
    return sum((r.value or Decimal(0) for r in rows), Decimal(0))


def whole_light(demo: MonitoringDemo, lineage: uuid.UUID, month: int, thresholds: Thresholds) -> Lit:
    indicator = demo.indicators[lineage]
    rows = demo.by_indicator[(lineage, month)]
    return indicator_light(
        kind=indicator.kind,
        comparator=indicator.comparator,
        aggregation=indicator.aggregation,
        target=indicator.target_value,
        actual=whole_value(rows),
        grade=rows[0].grade,
        month=month,
        thresholds=thresholds,
    )


async def dump_monitoring(
    session: AsyncSession,
    *,
    region: Mapping[int | None, str],
    fund: Mapping[int | None, str],
    goal: Mapping[int | None, tuple[object, ...]],
    org: Mapping[int | None, tuple[object, ...]],
    template: Mapping[int | None, str],
) -> dict[str, list[tuple[object, ...]]]:
    """The monitoring rows by natural keys (an indicator by its first version's goal and its template),
    without ids, random lineage ids or the moments the goal service stamps."""
    lineage: dict[uuid.UUID, tuple[object, ...]] = {}
    for i in (await session.exec(select(Indicator).order_by(col(Indicator.goal_id)))).all():
        lineage.setdefault(i.lineage_id, (goal[i.goal_id], template[i.template_id]))
    budgets = (await session.exec(select(FundBudget))).all()
    budget = {b.id: (region[b.region_id], fund[b.fund_type_id], b.year) for b in budgets}
    actuals = (await session.exec(select(IndicatorActual))).all()
    executions = (await session.exec(select(BudgetExecution))).all()
    warnings = (await session.exec(select(MonitoringWarning))).all()
    reports = (await session.exec(select(MonitoringReport))).all()
    compilations = (await session.exec(select(MonitoringCompilation))).all()
    compilation = {c.id: region[c.region_id] for c in compilations}
    recipients = (await session.exec(select(MonitoringCompilationRecipient))).all()
    return {
        "actuals": [
            (
                lineage[a.indicator_lineage_id],
                goal[a.goal_id],
                region[a.region_id],
                a.month,
                a.value,
                a.numerator,
                a.denominator,
                a.grade,
                a.forecast,
                a.cause_funding,
                a.cause_system,
                a.cause_staffing,
                a.cause_hardware,
                a.cause_other,
                a.likelihood,
                org[a.organization_id],
                a.created_at,
            )
            for a in actuals
        ],
        "executions": [
            (
                budget[e.budget_id],
                e.item,
                region[e.region_id],
                e.month,
                e.amount,
                org[e.organization_id],
                e.created_at,
            )
            for e in executions
        ],
        "warnings": [
            (
                w.kind,
                goal[w.goal_id],
                lineage.get(w.indicator_lineage_id) if w.indicator_lineage_id else None,
                w.budget_item,
                w.month,
                w.light,
                w.ratio,
                w.deviation,
                w.status,
                w.response,
                w.response_note,
                w.urge_due_on,
                None if w.adjustment_goal_id else w.responded_at,
                goal.get(w.adjustment_goal_id),
                org.get(w.responder_organization_id),
                w.created_at,
            )
            for w in warnings
        ],
        "reports": [
            (
                region[r.region_id],
                fund[r.fund_type_id],
                r.year,
                r.month,
                r.status,
                r.progress,
                r.problems,
                r.measures,
                r.submitted_at,
                r.finance_accepted_at,
                r.administration_accepted_at,
            )
            for r in reports
        ],
        "compilations": [
            (region[c.region_id], c.year, c.status, c.summary, c.problems, c.sent_at, c.document_number)
            for c in compilations
        ],
        "recipients": [
            (compilation[r.compilation_id], org[r.organization_id], r.acknowledged_at) for r in recipients
        ],
    }
