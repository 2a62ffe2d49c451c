"""Budget approval. Art. 7: setting goals is the precondition of budget arrangement.

The approval rests on one version of the goal (`approved_goal_id`): a version issued, guiding or formal
(Art. 10; approved by the national departments but not yet issued is not in force). When a later version
(an adjustment, or the rework of a national return) is issued and supersedes it (Art. 14), the budget needs
approving again, on the version then in force.
"""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundType, Goal, Region
from src.models.base import utcnow
from src.models.budget import BudgetEventKind
from src.models.enums import BudgetStatus, GoalHorizon, GoalStatus
from src.services import audit, policy
from src.services.actors import Actor
from src.services.budgets.scope import budget_scope
from src.services.concurrency import claim
from src.services.errors import BudgetErrorCode, InvalidTransition, NotFound, PreconditionFailed
from src.services.rows import kept_row
from src.subjects.events import record_event


async def goal_in_force_id(session: AsyncSession, budget: FundBudget) -> int | None:
    """The pooling region's annual goal for the budget's fund and year in force: issued (guiding or
    formal), the newest version of those."""
    stmt = (
        select(Goal.id)
        .where(
            Goal.region_id == budget.region_id,
            Goal.fund_type_id == budget.fund_type_id,
            Goal.horizon == GoalHorizon.ANNUAL,
            Goal.start_year == budget.year,
            col(Goal.status).in_(list(policy.ISSUED_STATES)),
        )
        .order_by(col(Goal.version).desc(), col(Goal.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def _approved_goal_superseded(session: AsyncSession, budget: FundBudget) -> bool:
    """Whether the goal version an approved budget rests on has been superseded since (Art. 14)."""
    if budget.status != BudgetStatus.APPROVED or budget.approved_goal_id is None:
        return False
    status = (await session.exec(select(Goal.status).where(Goal.id == budget.approved_goal_id))).first()
    return status == GoalStatus.SUPERSEDED


async def approve_budget(
    *, session: AsyncSession, actor: Actor, budget_id: int, row_version: int
) -> FundBudget:
    """Approve a draft budget, or approve again one whose goal version was superseded (Art. 7, 14)."""
    budget = await session.get(FundBudget, budget_id)
    if budget is None:
        raise NotFound("基金预算", budget_id)
    scope = await policy.scope_of(session=session, record=budget)
    if not policy.visible(actor, await budget_scope(session, budget)):
        raise NotFound("基金预算", budget_id)  # what one may not read is absent, as in the queries
    policy.require(actor, policy.Action.BUDGET_APPROVE, scope)
    if budget.status != BudgetStatus.DRAFT and not await _approved_goal_superseded(session, budget):
        raise InvalidTransition(
            "该预算已批复",
            current_status=budget.status.value,
            operation="budgetApprove",
            code=BudgetErrorCode.ALREADY_APPROVED,
        )
    issued = await goal_in_force_id(session, budget)
    if issued is None:
        region = await kept_row(session, Region, budget.region_id)  # kept since the policy read it
        fund = await kept_row(session, FundType, budget.fund_type_id)
        assert region is not None and fund is not None
        raise PreconditionFailed(
            f"{region.name}{budget.year}年{fund.name_zh}的年度绩效目标尚未下达（指导性或正式），"
            "预算不能批复（《实施办法》第七条：绩效目标设置是预算安排的前置条件）",
            code=BudgetErrorCode.GOAL_NOT_ISSUED,
        )
    async with audit.changing(session=session, actor=actor, operation="budgetApprove", row=budget) as extra:
        await claim(session=session, row=budget, expected_version=row_version)
        budget.status = BudgetStatus.APPROVED
        budget.approved_at = utcnow()
        budget.approved_by_id = actor.user_id
        budget.approved_goal_id = issued
        extra["goal_id"] = issued
        await record_event(
            session=session,
            kind=BudgetEventKind.BUDGET_APPROVED,
            subject=budget,
            actor=actor,
            payload={"year": budget.year, "goalId": issued},
        )
    return budget
