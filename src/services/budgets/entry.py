"""Entering a fund budget (Art. 7, 10): the agency of the pooling region compiles the draft, line by line;
its finance approves it (approval.py). Lines are replaced while the budget is a draft, never after."""

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import savepoint
from src.models import FundBudget, FundBudgetLine, FundType, Region
from src.models.budget import BudgetEventKind
from src.models.enums import BudgetStatus
from src.services import audit, policy
from src.services.actors import Actor
from src.services.budgets.lines import BudgetLineInput, line_problems, line_rows, lines_record
from src.services.budgets.scope import budget_scope
from src.services.concurrency import claim
from src.services.errors import (
    BudgetErrorCode,
    Conflict,
    ErrorCode,
    FieldProblem,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from src.services.pooling import pooling_level, pooling_region_level
from src.subjects.events import record_event

YEARS = range(2000, 2101)


@dataclass(frozen=True)
class BudgetCreate:
    region_code: str
    fund_type_code: str
    year: int
    lines: list[BudgetLineInput]


async def _pooling_problems(
    session: AsyncSession, region: Region, fund: FundType, year: int
) -> list[FieldProblem]:
    """Art. 6: the budget is the pooling region's, the region responsible for the fund that year."""
    if year not in YEARS:
        return [FieldProblem("input.year", "年度须在 2000 至 2100 之间", ErrorCode.OUT_OF_RANGE)]
    assert fund.id is not None
    level = await pooling_level(session=session, fund_type_id=fund.id, year=year)
    if pooling_region_level(level) != region.level:
        message = f"{region.name}不是{fund.name_zh}{year}年的统筹地区，不编制该险种的基金预算（第六条）"
        return [FieldProblem("input.regionCode", message, ErrorCode.INVALID)]
    return []


async def _announce(session: AsyncSession, actor: Actor, budget: FundBudget, operation: str) -> None:
    await record_event(
        session=session,
        kind=BudgetEventKind.BUDGET_CHANGED,
        subject=budget,
        actor=actor,
        payload={"operation": operation, "year": budget.year},
    )


async def create_budget(*, session: AsyncSession, actor: Actor, data: BudgetCreate) -> FundBudget:
    """A draft budget of the pooling region, fund and year with its lines; a second one is a conflict."""
    fund = (await session.exec(select(FundType).where(FundType.code == data.fund_type_code))).first()
    if fund is None:
        raise NotFound("险种", data.fund_type_code)
    region = (await session.exec(select(Region).where(Region.code == data.region_code))).first()
    if region is None:
        raise NotFound("行政区划", data.region_code)
    assert fund.id is not None and region.id is not None
    scope = policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
    policy.require(actor, policy.Action.BUDGET_DRAFT, scope)
    problems = await _pooling_problems(session, region, fund, data.year)
    problems += line_problems(data.lines)
    if problems:
        raise ValidationFailed(problems)
    budget = FundBudget(region_id=region.id, fund_type_id=fund.id, year=data.year)
    try:  # one per region, fund and year: the unique constraint decides a race (both databases)
        async with savepoint(session):
            session.add(budget)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"{region.name}{data.year}年{fund.name_zh}基金预算已存在", code=BudgetErrorCode.BUDGET_EXISTS
        ) from None
    assert budget.id is not None
    session.add_all(line_rows(budget.id, data.lines))
    extra = {"lines": lines_record(data.lines)}
    await audit.created(session=session, actor=actor, operation="budgetCreate", row=budget, extra=extra)
    await _announce(session, actor, budget, "budgetCreate")
    return budget


async def update_budget(
    *, session: AsyncSession, actor: Actor, budget_id: int, row_version: int, lines: list[BudgetLineInput]
) -> FundBudget:
    """Replace a draft budget's lines; an approved budget is not edited (Art. 10: its approval stands)."""
    budget = await session.get(FundBudget, budget_id)
    if budget is None or not policy.visible(actor, await budget_scope(session, budget)):
        raise NotFound("基金预算", budget_id)  # what one may not read is absent, as in the queries
    policy.require(actor, policy.Action.BUDGET_DRAFT, await policy.scope_of(session=session, record=budget))
    if budget.status != BudgetStatus.DRAFT:
        raise InvalidTransition(
            "该预算已批复，不能修改",
            current_status=budget.status.value,
            operation="budgetUpdate",
            code=BudgetErrorCode.ALREADY_APPROVED,
        )
    problems = line_problems(lines)
    if problems:
        raise ValidationFailed(problems)
    assert budget.id is not None
    async with audit.changing(session=session, actor=actor, operation="budgetUpdate", row=budget) as extra:
        await claim(session=session, row=budget, expected_version=row_version)  # locks: the lines stay
        old = (await session.exec(select(FundBudgetLine).where(FundBudgetLine.budget_id == budget.id))).all()
        before = lines_record([BudgetLineInput(r.item, r.initial_amount, r.adjusted_amount) for r in old])
        await session.exec(delete(FundBudgetLine).where(col(FundBudgetLine.budget_id) == budget.id))
        session.add_all(line_rows(budget.id, lines))
        extra["lines"] = {"before": before, "after": lines_record(lines)}
    await _announce(session, actor, budget, "budgetUpdate")
    return budget
