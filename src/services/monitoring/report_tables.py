"""The tables of a monitoring report (Art. 13 目标比较法), generated from the monitoring data of its pooling
region, fund and period 1-N月 — never typed by hand: each indicator of the goal in force with its actual and
light (report_lines.py rolls the regions' entries up), each budget line with its execution rate and light,
and the warnings of the period and those still open. Values are cumulative to the end of the month.

Seven statements at most, whatever the number of indicators, lines and entries.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Goal, Indicator
from src.models.enums import BudgetItem, BudgetLineCategory, label_zh
from src.models.monitoring import BudgetExecution, IndicatorActual, Light, MonitoringWarning, WarningStatus
from src.services.monitoring.comparison import Thresholds, elapsed_share, worst_light
from src.services.monitoring.report_lines import ExecutionLine, IndicatorLine, execution_lines, indicator_line
from src.services.monitoring.reports import goal_in_force
from src.services.rules import rules_for

OPEN = (WarningStatus.OPEN, WarningStatus.RESPONSE_DRAFT)


@dataclass(frozen=True)
class WarningLine:
    warning: MonitoringWarning
    subject: str  # the indicator's 三级指标, or the budget item's label


@dataclass(frozen=True)
class MonitoringTables:
    year: int
    month: int
    goal: Goal | None
    indicators: list[IndicatorLine]
    execution: list[ExecutionLine]
    warnings: list[WarningLine]

    @property
    def elapsed(self) -> Decimal:
        """序时进度: the share of the year elapsed, %."""
        return elapsed_share(self.month)

    @property
    def goal_light(self) -> Light:
        return worst_light(line.lit.light for line in self.indicators)

    @property
    def execution_light(self) -> Light:
        return worst_light(line.lit.light for line in self.execution if line.item is not None)

    def light_counts(self) -> dict[Light, int]:
        counts = dict.fromkeys(Light, 0)
        for line in self.indicators:
            counts[line.lit.light] += 1
        return counts

    def total(self, category: BudgetLineCategory) -> ExecutionLine | None:
        label = "基金收入" if category == BudgetLineCategory.REVENUE else "基金支出"
        return next((line for line in self.execution if line.item is None and line.label == label), None)


async def monitoring_tables(
    session: AsyncSession, *, region_id: int, fund_type_id: int, year: int, month: int
) -> MonitoringTables:
    """The tables of the pooling region's fund for the period 1-`month`月 of `year`."""
    t = Thresholds.of(await rules_for(session=session, region_id=region_id))
    goal = await goal_in_force(session, region_id=region_id, fund_type_id=fund_type_id, year=year)
    indicators: Sequence[Indicator] = []
    if goal is not None:
        stmt = select(Indicator).where(Indicator.goal_id == goal.id)
        indicators = (await session.exec(stmt.order_by(col(Indicator.sort_order), col(Indicator.id)))).all()
    scope = (
        IndicatorActual.pooling_region_id == region_id,
        IndicatorActual.fund_type_id == fund_type_id,
        IndicatorActual.year == year,
        IndicatorActual.month == month,
    )
    entries: dict[object, list[IndicatorActual]] = defaultdict(list)
    if indicators:
        lineages = [i.lineage_id for i in indicators]
        stmt_actuals = select(IndicatorActual).where(
            *scope, col(IndicatorActual.indicator_lineage_id).in_(lineages)
        )
        for row in (await session.exec(stmt_actuals)).all():
            entries[row.indicator_lineage_id].append(row)
    lines = [
        indicator_line(i, entries.get(i.lineage_id, []), pooling_region_id=region_id, month=month, t=t)
        for i in indicators
    ]
    budget_stmt = (
        select(FundBudgetLine)
        .join(FundBudget, col(FundBudget.id) == FundBudgetLine.budget_id)
        .where(
            FundBudget.region_id == region_id,
            FundBudget.fund_type_id == fund_type_id,
            FundBudget.year == year,
        )
    )
    budget_lines = (await session.exec(budget_stmt)).all()
    executed: dict[BudgetItem, Decimal] = defaultdict(Decimal)
    execution_stmt = select(BudgetExecution).where(
        BudgetExecution.pooling_region_id == region_id,
        BudgetExecution.fund_type_id == fund_type_id,
        BudgetExecution.year == year,
        BudgetExecution.month == month,
    )
    for execution in (await session.exec(execution_stmt)).all():
        executed[execution.item] += execution.amount
    warnings = await _warnings(session, region_id, fund_type_id, year, month, indicators)
    return MonitoringTables(
        year=year,
        month=month,
        goal=goal,
        indicators=lines,
        execution=execution_lines(budget_lines, dict(executed), month, t),
        warnings=warnings,
    )


async def _warnings(
    session: AsyncSession,
    region_id: int,
    fund_type_id: int,
    year: int,
    month: int,
    indicators: Sequence[Indicator],
) -> list[WarningLine]:
    """The period's warnings, and earlier ones still open (Art. 14: each is answered)."""
    stmt = (
        select(MonitoringWarning)
        .where(
            MonitoringWarning.region_id == region_id,
            MonitoringWarning.fund_type_id == fund_type_id,
            MonitoringWarning.year == year,
            col(MonitoringWarning.month) <= month,
            or_(
                col(MonitoringWarning.month) == month,
                col(MonitoringWarning.status).in_([s.value for s in OPEN]),
            ),
        )
        .order_by(col(MonitoringWarning.month), col(MonitoringWarning.id))
    )
    names = {i.lineage_id: i.level3 for i in indicators}
    out = []
    for warning in (await session.exec(stmt)).all():
        if warning.budget_item is not None:
            subject = label_zh(warning.budget_item)
        else:
            subject = names.get(warning.indicator_lineage_id, "") if warning.indicator_lineage_id else ""
        out.append(WarningLine(warning, subject or "—"))
    return out
