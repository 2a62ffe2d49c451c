"""What monitoring already knows, put on a new self-evaluation's form (FORMS §2B: 完成值, 预算执行数):

- each indicator's actual: the entries of the year's last month entered for it (the pooling region's own
  and its parts'), rolled up as the monitoring report rolls them up (report_lines.indicator_line: amounts
  add, a rate is recomputed from its summed numerators and denominators, a qualitative indicator takes the
  worst grade entered);
- the budget block: 基金支出 (the fund's expenditure, as the monitoring report totals it) — 年初预算 and
  调整后预算数 from the fund budget, 全年执行数 from each line's execution of the year's last month entered.

Prefilled values stay on the form beside the values given, so an edit is seen and needs a reason.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Indicator
from src.models.enums import BudgetItem, QualitativeGrade
from src.models.monitoring import BudgetExecution, IndicatorActual
from src.services.monitoring.comparison import Thresholds
from src.services.monitoring.report_lines import execution_lines, indicator_line

EXPENDITURE = "基金支出"
YEAR_END = 12


@dataclass(frozen=True)
class Actual:
    value: Decimal | None
    grade: QualitativeGrade | None


@dataclass(frozen=True)
class Prefill:
    actuals: dict[uuid.UUID, Actual]  # by indicator lineage; absent: nothing entered in the year
    initial_budget: Decimal | None  # 年初预算 (基金支出)
    adjusted_budget: Decimal | None  # 调整后预算数 (the initial where not adjusted)
    executed: Decimal | None  # 全年执行数


def _latest(rows: Sequence[IndicatorActual]) -> list[IndicatorActual]:
    month = max(r.month for r in rows)
    return [r for r in rows if r.month == month]


async def _actuals(
    session: AsyncSession, *, region_id: int, fund_type_id: int, year: int, indicators: Sequence[Indicator]
) -> dict[uuid.UUID, Actual]:
    if not indicators:
        return {}
    lineage = col(IndicatorActual.indicator_lineage_id)
    of_goal = (
        IndicatorActual.pooling_region_id == region_id,
        IndicatorActual.fund_type_id == fund_type_id,
        IndicatorActual.year == year,
        lineage.in_([i.lineage_id for i in indicators]),
    )
    # Only each indicator's last month entered is read (a year of entries is twelve times as many rows).
    last = (
        select(lineage, func.max(IndicatorActual.month).label("month"))
        .where(*of_goal)
        .group_by(lineage)
        .subquery()
    )
    stmt = (
        select(IndicatorActual)
        .join(last, and_(lineage == last.c.indicator_lineage_id, col(IndicatorActual.month) == last.c.month))
        .where(*of_goal)
    )
    by_lineage: dict[uuid.UUID, list[IndicatorActual]] = defaultdict(list)
    for row in (await session.exec(stmt)).all():
        by_lineage[row.indicator_lineage_id].append(row)
    found: dict[uuid.UUID, Actual] = {}
    for indicator in indicators:
        rows = by_lineage.get(indicator.lineage_id)
        if not rows:
            continue
        latest = _latest(rows)
        line = indicator_line(
            indicator, latest, pooling_region_id=region_id, month=latest[0].month, t=Thresholds()
        )
        found[indicator.lineage_id] = Actual(line.actual, line.grade)
    return found


async def _executed(
    session: AsyncSession, *, region_id: int, fund_type_id: int, year: int
) -> dict[BudgetItem, Decimal]:
    """Each budget line's execution in the last month entered for it, summed over the regions entering."""
    of_fund = (
        BudgetExecution.pooling_region_id == region_id,
        BudgetExecution.fund_type_id == fund_type_id,
        BudgetExecution.year == year,
    )
    line = col(BudgetExecution.item)
    last = (
        select(line, func.max(BudgetExecution.month).label("month")).where(*of_fund).group_by(line).subquery()
    )
    stmt = (
        select(BudgetExecution)
        .join(last, and_(line == last.c.item, col(BudgetExecution.month) == last.c.month))
        .where(*of_fund)
    )
    by_item: dict[BudgetItem, list[BudgetExecution]] = defaultdict(list)
    for row in (await session.exec(stmt)).all():
        by_item[row.item].append(row)
    executed: dict[BudgetItem, Decimal] = {}
    for item, rows in by_item.items():
        month = max(r.month for r in rows)
        executed[item] = sum((r.amount for r in rows if r.month == month), Decimal(0))
    return executed


async def prefill(
    session: AsyncSession, *, region_id: int, fund_type_id: int, year: int, indicators: Sequence[Indicator]
) -> Prefill:
    """The actuals and the budget block of the pooling region's fund for `year` (module docstring)."""
    actuals = await _actuals(
        session, region_id=region_id, fund_type_id=fund_type_id, year=year, indicators=indicators
    )
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
    executed = await _executed(session, region_id=region_id, fund_type_id=fund_type_id, year=year)
    lines = execution_lines(budget_lines, executed, YEAR_END, Thresholds())
    total = next((line for line in lines if line.item is None and line.label == EXPENDITURE), None)
    if total is None:
        return Prefill(actuals, None, None, None)
    return Prefill(actuals, total.initial, total.budget, total.executed)
