"""Recording budget execution (Art. 12: contributions collected, subsidy arrived, benefits paid, other
expenditure; balances as at the month's end): many rows at once, all or nothing, like actuals (entries.py).

A row names an approved fund budget, one of its lines (BudgetItem) and a month; the amount is the entering
region's cumulative 1-N月 figure in yuan. Every line sums, so a pooling region with parts has its figure
entered by its parts (entry_places.py); the contribution line also by the tax department.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine
from src.models.enums import BudgetItem, BudgetStatus, label_zh
from src.models.monitoring import BudgetExecution, ExecutionEventKind
from src.models.types import Money
from src.services import policy
from src.services.actors import Actor
from src.services.budgets.scope import budget_scope
from src.services.errors import ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.services.monitoring import clock
from src.services.monitoring.entry_checks import by_row, execution_problems, month_problem
from src.services.monitoring.entry_places import Places, require_entering
from src.services.monitoring.entry_rows import ExecutionRow, Recorded
from src.services.monitoring.entry_writes import Plan, apply, reason_problems, row_namer, stale

OPERATION = "executionRecord"
ROWS_FIELD = "input.rows"
MONEY = Money()


async def _visible_budgets(
    session: AsyncSession, actor: Actor, rows: Sequence[ExecutionRow]
) -> dict[int, FundBudget]:
    ids = sorted({row.budget_id for row in rows})
    budgets = {
        b.id: b for b in (await session.exec(select(FundBudget).where(col(FundBudget.id).in_(ids)))).all()
    }
    for row in rows:
        budget = budgets.get(row.budget_id)
        if budget is None or not policy.visible(actor, await budget_scope(session, budget)):
            raise NotFound("基金预算", row.budget_id)
    return {bid: budget for bid, budget in budgets.items() if bid is not None}


async def _lines(session: AsyncSession, budget_ids: Sequence[int]) -> set[tuple[int, BudgetItem]]:
    stmt = select(FundBudgetLine.budget_id, FundBudgetLine.item).where(
        col(FundBudgetLine.budget_id).in_(sorted(budget_ids))
    )
    return {(budget_id, BudgetItem(item)) for budget_id, item in (await session.exec(stmt)).all()}


async def _existing(
    session: AsyncSession, actor: Actor, budget_ids: Sequence[int], months: set[int]
) -> dict[tuple[int, BudgetItem, int], BudgetExecution]:
    stmt = select(BudgetExecution).where(
        col(BudgetExecution.budget_id).in_(sorted(budget_ids)),
        BudgetExecution.region_id == actor.region_id,
        col(BudgetExecution.month).in_(sorted(months)),
    )
    return {(e.budget_id, e.item, e.month): e for e in (await session.exec(stmt)).all()}


async def record_executions(
    *,
    session: AsyncSession,
    actor: Actor,
    rows: Sequence[ExecutionRow],
    reason: str = "",
    prefix: str = ROWS_FIELD,
    row_names: Sequence[str] | None = None,
    today: date | None = None,
) -> Recorded[BudgetExecution]:
    """Records `rows` as the actor's region's budget execution (see the module's and entries.py's
    descriptions: the same refusals in the same order)."""
    today = today or clock.china_today()
    name = row_namer(row_names)
    if not rows:
        return Recorded()
    budgets = await _visible_budgets(session, actor, rows)
    lines = await _lines(session, list(budgets))
    places = Places(session)
    problems: list[FieldProblem] = []
    resolved: list[tuple[int, ExecutionRow, FundBudget]] = []
    for index, row in enumerate(rows):
        budget = budgets[row.budget_id]
        place = await places.of(
            region_id=budget.region_id, fund_type_id=budget.fund_type_id, year=budget.year
        )
        what = f"{name(index)}（{label_zh(row.item)}）"
        require_entering(actor, place, sums=True, item=row.item, what=what)
        resolved.append((index, row, budget))
    for index, row, budget in resolved:
        if budget.status != BudgetStatus.APPROVED:
            message = "预算尚未批复：批复后的预算才填报执行情况（第七条）"
            problems.append(
                FieldProblem(f"{prefix}.{index}.budgetId", message, ErrorCode.PRECONDITION_FAILED)
            )
        if (row.budget_id, row.item) not in lines:
            message = f"该预算没有“{label_zh(row.item)}”科目"
            problems.append(FieldProblem(f"{prefix}.{index}.item", message, ErrorCode.NOT_FOUND))
    plans = await _plans(session, actor, resolved, problems, prefix=prefix, name=name, today=today)
    problems += reason_problems(plans, reason)
    if problems:
        raise ValidationFailed(sorted(problems, key=by_row))
    conflict = stale(plans, "执行数")
    if conflict is not None:
        raise conflict
    kind = ExecutionEventKind.MONITORING_EXECUTION_RECORDED
    return await apply(
        session=session, actor=actor, operation=OPERATION, kind=kind, plans=plans, reason=reason
    )


async def _plans(
    session: AsyncSession,
    actor: Actor,
    resolved: list[tuple[int, ExecutionRow, FundBudget]],
    problems: list[FieldProblem],
    *,
    prefix: str,
    name: Callable[[int], str],
    today: date,
) -> list[Plan[BudgetExecution]]:
    budget_ids = sorted({budget.id or 0 for _, _, budget in resolved})
    existing = await _existing(session, actor, budget_ids, {row.month for _, row, _ in resolved})
    seen: dict[tuple[int, BudgetItem, int], int] = {}
    plans: list[Plan[BudgetExecution]] = []
    for index, row, budget in resolved:
        found = execution_problems(row, prefix=prefix, index=index)
        late = month_problem(year=budget.year, month=row.month, today=today, field=f"{prefix}.{index}.month")
        found += [late] if late else []
        key = (row.budget_id, row.item, row.month)
        if key in seen:
            message = f"与{name(seen[key])}重复：同一科目同一月份只填报一行"
            found.append(FieldProblem(f"{prefix}.{index}.month", message, ErrorCode.DUPLICATE))
        seen.setdefault(key, index)
        problems += found
        if found or row.amount is None or any(p.field.startswith(f"{prefix}.{index}.") for p in problems):
            continue
        values: dict[str, Any] = {"amount": MONEY.quantize(row.amount)}
        written = {"organization_id": actor.organization_id, "user_id": actor.user_id}
        stored = existing.get(key)
        if stored is None:
            stored = BudgetExecution(
                budget_id=row.budget_id,
                item=row.item,
                pooling_region_id=budget.region_id,
                region_id=actor.region_id,
                fund_type_id=budget.fund_type_id,
                year=budget.year,
                month=row.month,
                amount=values["amount"],
                organization_id=actor.organization_id,
                user_id=actor.user_id,
            )
        plans.append(Plan(index, name(index), stored, values, key not in existing, row.row_version, written))
    return plans
