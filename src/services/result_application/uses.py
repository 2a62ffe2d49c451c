"""A result application's uses, checked where they enter the services (for the API and every other caller):
the description is text (no control characters but line breaks); NEXT_YEAR_GOAL links the goal it changed,
NEXT_YEAR_BUDGET the budget; only FUND_ALLOCATION carries an amount (万元); a link points at the next year's
annual goal or budget of the same pooling region and fund, one the writer may read. Every problem is a
FieldError on the use's field (`input.uses.2.goalId`)."""

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, Goal
from src.models.enums import GoalHorizon
from src.models.result_application import (
    AMOUNT,
    MAX_USES,
    ApplicationKind,
    ResultApplication,
    ResultApplicationUse,
    UseInput,
)
from src.services import policy
from src.services.actors import Actor
from src.services.budgets.scope import budget_scope
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.goals.scope import goal_scope
from src.services.monitoring import narrative

NEEDS = {ApplicationKind.NEXT_YEAR_GOAL: "goal_id", ApplicationKind.NEXT_YEAR_BUDGET: "budget_id"}


def _mismatch(row: Goal | FundBudget, target: ResultApplication, year: int) -> str | None:
    what = "下一年度绩效目标" if isinstance(row, Goal) else "下一年度基金预算"
    if row.region_id != target.region_id:
        return f"所关联的{what}须为同一统筹地区的"
    if row.fund_type_id != target.fund_type_id:
        return f"所关联的{what}须为同一险种的"
    if year != target.year + 1:
        return f"所关联的{what}须为评价年度的下一年度（{target.year + 1}年）"
    return None


async def _goal_problem(
    session: AsyncSession, actor: Actor, target: ResultApplication, goal_id: int
) -> tuple[str, ErrorCode] | None:
    goal = await session.get(Goal, goal_id)
    if goal is None or not policy.visible(actor, await goal_scope(session, goal)):
        return "未找到该绩效目标", ErrorCode.NOT_FOUND
    mismatch = _mismatch(goal, target, goal.start_year)
    if mismatch is None and (goal.horizon != GoalHorizon.ANNUAL or goal.end_year != goal.start_year):
        mismatch = "所关联的须为下一年度的年度绩效目标"
    return (mismatch, ErrorCode.INVALID) if mismatch else None


async def _budget_problem(
    session: AsyncSession, actor: Actor, target: ResultApplication, budget_id: int
) -> tuple[str, ErrorCode] | None:
    budget = await session.get(FundBudget, budget_id)
    if budget is None or not policy.visible(actor, await budget_scope(session, budget)):
        return "未找到该基金预算", ErrorCode.NOT_FOUND
    mismatch = _mismatch(budget, target, budget.year)
    return (mismatch, ErrorCode.INVALID) if mismatch else None


async def checked_uses(
    *, session: AsyncSession, actor: Actor, target: ResultApplication, uses: Sequence[UseInput]
) -> list[ResultApplicationUse]:
    """The uses as rows of `target` (not yet added), or ValidationFailed with every problem found."""
    problems: list[FieldProblem] = []
    if len(uses) > MAX_USES:
        problems.append(FieldProblem("input.uses", f"最多 {MAX_USES} 项应用", ErrorCode.OUT_OF_RANGE))
    rows: list[ResultApplicationUse] = []
    for index, use in enumerate(uses):
        at = f"input.uses.{index}"
        description = narrative.clean(use.description)
        problem = narrative.text_problem(f"{at}.description", description)
        if problem is not None:
            problems.append(problem)
        elif not description:
            problems.append(FieldProblem(f"{at}.description", "请填写应用情况", ErrorCode.REQUIRED))
        needed = NEEDS.get(use.kind)
        if needed is not None and getattr(use, needed) is None:
            message = "须关联下一年度绩效目标" if needed == "goal_id" else "须关联下一年度基金预算"
            problems.append(FieldProblem(f"{at}.{narrative.camel(needed)}", message, ErrorCode.REQUIRED))
        if use.amount is not None and use.kind != ApplicationKind.FUND_ALLOCATION:
            problems.append(FieldProblem(f"{at}.amount", "仅资金安排可填写金额", ErrorCode.INVALID))
        if use.goal_id is not None:
            found = await _goal_problem(session, actor, target, use.goal_id)
            if found is not None:
                problems.append(FieldProblem(f"{at}.goalId", *found))
        if use.budget_id is not None:
            found = await _budget_problem(session, actor, target, use.budget_id)
            if found is not None:
                problems.append(FieldProblem(f"{at}.budgetId", *found))
        rows.append(
            ResultApplicationUse(
                application_id=target.id or 0,
                kind=use.kind,
                description=description,
                goal_id=use.goal_id,
                budget_id=use.budget_id,
                amount=None if use.amount is None else AMOUNT.quantize(use.amount),  # as stored
                sort_order=index,
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return rows
