"""Moving a goal through its workflow (Art. 7, 10, 14): the forward steps, returns, and adjustment.

Every step is a GoalTransition row and an audit event, written in the caller's transaction.
"""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, GoalTransition, Indicator, Organization
from src.models.base import utcnow
from src.models.enums import ActorType, GoalStatus
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import Conflict, ErrorCode, FieldProblem, Forbidden, GoalErrorCode, ValidationFailed
from src.services.goals.decomposition import copy_indicators, decompose
from src.services.goals.editing import visible_goal
from src.services.goals.steps import OPERATION, RETURNER, STEPS, GoalAction, check_state, invalid
from src.services.goals.validation import submission_problems


def _log(
    session: AsyncSession,
    actor: Actor,
    goal: Goal,
    action: GoalAction,
    before: GoalStatus,
    reason: str | None,
) -> None:
    assert goal.id is not None
    session.add(
        GoalTransition(
            goal_id=goal.id,
            action=action.value,
            from_status=before,
            to_status=goal.status,
            reason=reason,
            user_id=actor.user_id,
            organization_id=actor.organization_id,
        )
    )


def _reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise ValidationFailed([FieldProblem("input.reason", message, ErrorCode.REQUIRED)])
    if len(reason.strip()) > FREE_TEXT_MAX_LENGTH:
        raise ValidationFailed(
            [
                FieldProblem(
                    "input.reason", f"内容过长（最多 {FREE_TEXT_MAX_LENGTH} 个字符）", ErrorCode.OUT_OF_RANGE
                )
            ]
        )
    return reason.strip()


async def _claim_in_status(session: AsyncSession, goal: Goal, row_version: int) -> None:
    """Claim the version only while the goal is still in the status the check saw."""
    await claim(
        session=session,
        row=goal,
        expected_version=row_version,
        extra_where=(col(Goal.status) == goal.status,),
    )


async def transition(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, action: GoalAction
) -> Goal:
    """One forward step of the chain (everything but return and adjustment)."""
    step = STEPS[action]
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    policy.require(actor, step.permission, scope)
    check_state(goal, action, step, scope.region_level)
    before_status = goal.status
    async with audit.changing(session=session, actor=actor, operation=OPERATION[action], row=goal) as extra:
        await _claim_in_status(session, goal, row_version)
        if action == GoalAction.SUBMIT:
            await _check_complete(session, goal)
            goal.drafter_organization_id = actor.organization_id
            goal.co_drafter_organization_id = await _tax_organization(session, goal.region_id)
        if action == GoalAction.SUBMIT_TO_NATIONAL:
            goal.national_submitted_at = utcnow()
        # Guiding goals stay in force while the national review runs (Art. 10).
        if not (action == GoalAction.SUBMIT_TO_NATIONAL and goal.status == GoalStatus.ISSUED_GUIDING):
            goal.status = step.target
        session.add(goal)
        await session.flush()
        if goal.status in policy.ISSUED_STATES:
            await _supersede_earlier_versions(session, actor, goal)
        if action in (GoalAction.ISSUE_GUIDING, GoalAction.ISSUE):
            created = await decompose(session=session, goal=goal)
            if created:
                extra["decomposed_goal_ids"] = [g.id for g in created]
        _log(session, actor, goal, action, before_status, None)
    return goal


async def _check_complete(session: AsyncSession, goal: Goal) -> None:
    stmt = (
        select(Indicator)
        .where(Indicator.goal_id == goal.id)
        .order_by(col(Indicator.sort_order), col(Indicator.id))
    )
    problems = submission_problems((await session.exec(stmt)).all())
    if problems:
        raise ValidationFailed(problems)


async def return_goal(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, reason: str
) -> Goal:
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    permission = RETURNER.get(goal.status)
    if permission is None or (
        goal.status == GoalStatus.ISSUED_GUIDING and goal.national_submitted_at is None
    ):
        # Nobody can return it now; tell a would-be returner why, anyone else only that it is not theirs.
        if any(policy.allowed(actor, p, scope) for p in set(RETURNER.values())):
            raise invalid(goal, GoalAction.RETURN)
        raise Forbidden()
    policy.require(actor, permission, scope)
    why = _reason(reason, "退回须说明理由")
    before_status = goal.status
    async with audit.changing(session=session, actor=actor, operation="goalReturn", row=goal) as extra:
        await _claim_in_status(session, goal, row_version)
        goal.status = GoalStatus.RETURNED
        extra["reason"] = why
    _log(session, actor, goal, GoalAction.RETURN, before_status, why)
    return goal


async def request_adjustment(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, reason: str
) -> Goal:
    """Art. 14: a materially changed goal is re-assessed and re-approved as a new version."""
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    policy.require(actor, policy.Action.GOAL_DRAFT, scope)
    if goal.status not in policy.ISSUED_STATES:
        raise invalid(
            goal,
            GoalAction.ADJUSTMENT_REQUEST,
            "只有已下达（指导性或正式）的目标可以申请调整",
            GoalErrorCode.NOT_ISSUED,
        )
    why = _reason(reason, "调整申请须说明理由")
    lineage = (await session.exec(select(Goal).where(Goal.lineage_id == goal.lineage_id))).all()
    if any(g.status not in policy.ISSUED_STATES | {GoalStatus.SUPERSEDED} for g in lineage):
        raise Conflict("该目标已有正在办理的调整版本", code=GoalErrorCode.ADJUSTMENT_PENDING)
    await claim(session=session, row=goal, expected_version=row_version)
    carried = {"title", "content", "horizon", "start_year", "end_year", "fund_type_id", "region_id"}
    new = Goal(
        **goal.model_dump(include=carried | {"overall_goal_id", "parent_goal_id", "lineage_id"}),
        previous_version_id=goal.id,
        version=max(g.version for g in lineage) + 1,
        adjustment_reason=why,
        drafter_organization_id=actor.organization_id,
    )
    await audit.created(session=session, actor=actor, operation="goalAdjustmentRequest", row=new)
    await copy_indicators(session, source_id=goal.id, target_id=new.id)
    _log(session, actor, new, GoalAction.ADJUSTMENT_REQUEST, goal.status, why)
    return new


async def _supersede_earlier_versions(session: AsyncSession, actor: Actor, goal: Goal) -> None:
    if goal.version == 1:
        return
    earlier = select(Goal).where(
        Goal.lineage_id == goal.lineage_id,
        col(Goal.version) < goal.version,
        col(Goal.status).in_(list(policy.ISSUED_STATES)),
    )
    for old in (await session.exec(earlier)).all():
        before = old.status
        old.status = GoalStatus.SUPERSEDED
        old.row_version += 1
        session.add(old)
        await session.flush()
        _log(session, actor, old, GoalAction.ISSUE, before, f"被第 {goal.version} 版取代")


async def _tax_organization(session: AsyncSession, region_id: int) -> int | None:
    """The tax department the agency drafts with (商税务部门), recorded as co-drafter."""
    stmt = select(Organization.id).where(
        Organization.region_id == region_id, Organization.actor_type == ActorType.TAX
    )
    return (await session.exec(stmt)).first()
