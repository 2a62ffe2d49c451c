"""What every edit of a draft goal shares: loading it, who may edit it, in which states, and the event that
announces it."""

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.models.goal import GoalEventKind
from src.services import policy
from src.services.actors import Actor
from src.services.concurrence import revised
from src.services.concurrency import claim
from src.services.errors import GoalErrorCode, InvalidTransition, NotFound
from src.services.goals.scope import goal_scope
from src.services.rows import keep
from src.subjects.events import record_event


async def get_goal(*, session: AsyncSession, goal_id: int) -> Goal:
    goal = (await session.exec(select(Goal).where(Goal.id == goal_id))).first()
    if goal is None:
        raise NotFound("绩效目标", goal_id)
    return goal


# The goal with its region and fund in one statement: every mutation of a goal needs all three (policy scope,
# visibility, the event's scope), and three statements cost three round trips.
_WITH_SCOPE = (
    select(Goal, Region, FundType)
    .join(Region, col(Region.id) == col(Goal.region_id))
    .join(FundType, col(FundType.id) == col(Goal.fund_type_id))
)


async def visible_goal(*, session: AsyncSession, actor: Actor, goal_id: int) -> tuple[Goal, policy.Scope]:
    """The goal and its scope, if `actor` may read it; one it may not read is reported as absent, exactly
    like a missing one, so a mutation does not reveal what exists where."""
    found = (await session.exec(_WITH_SCOPE.where(col(Goal.id) == goal_id))).first()
    if found is None:
        raise NotFound("绩效目标", goal_id)
    goal, region, fund = found
    keep(session, region, fund)  # policy.scope_of and goal_scope read them from the session
    scope = await policy.scope_of(session=session, record=goal)
    if not policy.visible(actor, await goal_scope(session, goal)):
        raise NotFound("绩效目标", goal_id)
    return goal, scope


def require_editable(goal: Goal, operation: str) -> None:
    if goal.status not in policy.DRAFT_STATES:
        raise InvalidTransition(
            f"目标当前状态为“{goal.status.value}”，只有草稿或已退回的目标可以修改；已下达的目标请通过调整申请修改",
            current_status=goal.status.value,
            operation=operation,
            code=GoalErrorCode.NOT_EDITABLE,
        )


async def editable_goal(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int | None, operation: str
) -> Goal:
    """Load, authorize, check the state and claim the goal's version (the current one when None).

    Every edit of a goal or of its indicators passes here, so here its content revision counts up: the tax
    department's concurrence was given on the revision before, and no longer holds (Art. 7).
    """
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    policy.require(actor, policy.Action.GOAL_DRAFT, scope)
    require_editable(goal, operation)
    await claim(
        session=session, row=goal, expected_version=goal.row_version if row_version is None else row_version
    )
    revised(goal)
    session.add(goal)
    return goal


async def announce_edit(
    *,
    session: AsyncSession,
    actor: Actor,
    goal: Goal,
    operation: str,
    kind: GoalEventKind = GoalEventKind.GOAL_CHANGED,
    **touched: Any,
) -> None:
    """The event of an edit of the goal's content, in the edit's transaction: the operation, the content
    revision it leaves, and what it touched (`touched`, named as the API names them: indicatorId, fields)."""
    payload = {"operation": operation, "contentRevision": goal.content_revision, **touched}
    await record_event(session=session, kind=kind, subject=goal, actor=actor, payload=payload)
