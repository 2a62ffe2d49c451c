"""The tables of a monitoring report (Art. 13 目标比较法), generated from the monitoring data of its pooling
region, fund and period 1-N月 — never typed by hand: each indicator of the goal in force with its actual and
light (report_lines.py rolls the regions' entries up), each budget line with its execution rate and light,
and the warnings of the period and those still open. Values are cumulative to the end of the month.

Eight statements at most, whatever the number of reports, indicators, lines and entries (tables_of:
a page of reports at once).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Goal, Indicator, Region
from src.models.enums import BudgetItem, BudgetLineCategory, GoalHorizon, label_zh
from src.models.monitoring import BudgetExecution, IndicatorActual, Light, MonitoringWarning, WarningStatus
from src.services import policy
from src.services.monitoring.comparison import Thresholds, elapsed_share, worst_light
from src.services.monitoring.report_lines import ExecutionLine, IndicatorLine, execution_lines, indicator_line
from src.services.monitoring.state import rules_of

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


class TablesKey(NamedTuple):
    """A report's tables: its pooling region, fund and period 1-`month`月 of `year`."""

    region_id: int
    fund_type_id: int
    year: int
    month: int


async def monitoring_tables(
    session: AsyncSession, *, region_id: int, fund_type_id: int, year: int, month: int
) -> MonitoringTables:
    """The tables of the pooling region's fund for the period 1-`month`月 of `year`."""
    key = TablesKey(region_id, fund_type_id, year, month)
    return (await tables_of(session, [key]))[key]


async def tables_of(session: AsyncSession, keys: Sequence[TablesKey]) -> dict[TablesKey, MonitoringTables]:
    """The tables of every key (a page of reports), in eight statements whatever their number."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    regions = {k.region_id for k in wanted}
    funds = {k.fund_type_id for k in wanted}
    years = {k.year for k in wanted}
    region_rows = (await session.exec(select(Region).where(col(Region.id).in_(regions)))).all()
    rules = await rules_of(session, region_rows)
    goals = await _goals_in_force(session, regions, funds, years)
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    if goals:
        stmt = select(Indicator).where(col(Indicator.goal_id).in_([g.id for g in goals.values()]))
        for indicator in (
            await session.exec(stmt.order_by(col(Indicator.sort_order), col(Indicator.id)))
        ).all():
            indicators[indicator.goal_id].append(indicator)
    entries: dict[tuple[TablesKey, object], list[IndicatorActual]] = defaultdict(list)
    if indicators:
        stmt_actuals = select(IndicatorActual).where(
            col(IndicatorActual.pooling_region_id).in_(regions),
            col(IndicatorActual.fund_type_id).in_(funds),
            col(IndicatorActual.year).in_(years),
            col(IndicatorActual.month).in_({k.month for k in wanted}),
            col(IndicatorActual.indicator_lineage_id).in_(
                [i.lineage_id for rows in indicators.values() for i in rows]
            ),
        )
        for row in (await session.exec(stmt_actuals)).all():
            key = TablesKey(row.pooling_region_id, row.fund_type_id, row.year, row.month)
            entries[(key, row.indicator_lineage_id)].append(row)
    budget_lines = await _budget_lines(session, regions, funds, years)
    executed = await _executed(session, wanted, regions, funds, years)
    warnings = await _warnings(session, wanted, regions, funds, years, indicators, goals)
    out: dict[TablesKey, MonitoringTables] = {}
    for key in wanted:
        t = Thresholds.of(rules[key.region_id])
        goal = goals.get((key.region_id, key.fund_type_id, key.year))
        own = indicators.get(goal.id or 0, []) if goal is not None else []
        lines = [
            indicator_line(
                i, entries.get((key, i.lineage_id), []), pooling_region_id=key.region_id, month=key.month, t=t
            )
            for i in own
        ]
        out[key] = MonitoringTables(
            year=key.year,
            month=key.month,
            goal=goal,
            indicators=lines,
            execution=execution_lines(
                budget_lines.get(key[:3], []), dict(executed.get(key, {})), key.month, t
            ),
            warnings=warnings.get(key, []),
        )
    return out


async def _goals_in_force(
    session: AsyncSession, regions: set[int], funds: set[int], years: set[int]
) -> dict[tuple[int, int, int], Goal]:
    """The annual goal issued (guiding or formal) of each region, fund and year: the newest version
    (reports.goal_in_force, for many at once)."""
    stmt = select(Goal).where(
        col(Goal.region_id).in_(regions),
        col(Goal.fund_type_id).in_(funds),
        col(Goal.start_year).in_(years),
        Goal.horizon == GoalHorizon.ANNUAL,
        col(Goal.status).in_(list(policy.ISSUED_STATES)),
    )
    found: dict[tuple[int, int, int], Goal] = {}
    for goal in (await session.exec(stmt.order_by(col(Goal.version).desc(), col(Goal.id)))).all():
        found.setdefault((goal.region_id, goal.fund_type_id, goal.start_year), goal)
    return found


async def _budget_lines(
    session: AsyncSession, regions: set[int], funds: set[int], years: set[int]
) -> dict[tuple[int, int, int], list[FundBudgetLine]]:
    stmt = (
        select(FundBudgetLine, FundBudget.region_id, FundBudget.fund_type_id, FundBudget.year)
        .join(FundBudget, col(FundBudget.id) == FundBudgetLine.budget_id)
        .where(
            col(FundBudget.region_id).in_(regions),
            col(FundBudget.fund_type_id).in_(funds),
            col(FundBudget.year).in_(years),
        )
        .order_by(col(FundBudgetLine.id))
    )
    found: dict[tuple[int, int, int], list[FundBudgetLine]] = defaultdict(list)
    for line, region_id, fund_type_id, year in (await session.exec(stmt)).all():
        found[(region_id, fund_type_id, year)].append(line)
    return found


async def _executed(
    session: AsyncSession, wanted: Sequence[TablesKey], regions: set[int], funds: set[int], years: set[int]
) -> dict[TablesKey, dict[BudgetItem, Decimal]]:
    stmt = select(BudgetExecution).where(
        col(BudgetExecution.pooling_region_id).in_(regions),
        col(BudgetExecution.fund_type_id).in_(funds),
        col(BudgetExecution.year).in_(years),
        col(BudgetExecution.month).in_({k.month for k in wanted}),
    )
    found: dict[TablesKey, dict[BudgetItem, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in (await session.exec(stmt)).all():
        key = TablesKey(row.pooling_region_id, row.fund_type_id, row.year, row.month)
        found[key][row.item] += row.amount
    return found


async def _warnings(
    session: AsyncSession,
    wanted: Sequence[TablesKey],
    regions: set[int],
    funds: set[int],
    years: set[int],
    indicators: Mapping[int, list[Indicator]],
    goals: Mapping[tuple[int, int, int], Goal],
) -> dict[TablesKey, list[WarningLine]]:
    """Each period's warnings, and earlier ones of its year still open (Art. 14: each is answered)."""
    stmt = (
        select(MonitoringWarning)
        .where(
            col(MonitoringWarning.region_id).in_(regions),
            col(MonitoringWarning.fund_type_id).in_(funds),
            col(MonitoringWarning.year).in_(years),
            col(MonitoringWarning.month) <= max(k.month for k in wanted),
            or_(
                col(MonitoringWarning.month).in_({k.month for k in wanted}),
                col(MonitoringWarning.status).in_([s.value for s in OPEN]),
            ),
        )
        .order_by(col(MonitoringWarning.month), col(MonitoringWarning.id))
    )
    rows = (await session.exec(stmt)).all()
    out: dict[TablesKey, list[WarningLine]] = {}
    for key in wanted:
        goal = goals.get(key[:3])
        names = {i.lineage_id: i.level3 for i in indicators.get(goal.id or 0, [])} if goal else {}
        lines = []
        for warning in rows:
            if (warning.region_id, warning.fund_type_id, warning.year) != key[:3]:
                continue
            if warning.month > key.month or (warning.month != key.month and warning.status not in OPEN):
                continue
            if warning.budget_item is not None:
                subject = label_zh(warning.budget_item)
            else:
                lineage = warning.indicator_lineage_id
                subject = names.get(lineage, "") if lineage else ""
            lines.append(WarningLine(warning, subject or "—"))
        out[key] = lines
    return out
