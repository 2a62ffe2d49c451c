"""The goal workflow (Art. 7, 10, 14): submission, the review chain, issuing, decomposition, adjustment.

province-wide regional goal: AGENCY (with TAX) submits → HRSS / MEDICAL_SECURITY preliminary review →
FINANCE review → FINANCE submits to NATIONAL → NATIONAL approves → FINANCE issues formally. At budget
deployment FINANCE may issue it as guiding (指导性) from REVIEWED or SUBMITTED_TO_NATIONAL. Issuing a goal
of a fund pooled below the province decomposes it into DRAFT goals of the pooling regions, which go through
their own chain (agency → administration → finance, which issues). Every review step can return the goal
with a reason. An issued goal changes only through an adjustment request, which yields a new version.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, GoalTransition, Indicator, Organization, Region
from src.models.base import utcnow
from src.models.enums import ActorType, GoalHorizon, GoalStatus, RegionLevel, label_zh
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    Conflict,
    ErrorCode,
    FieldProblem,
    Forbidden,
    InvalidTransition,
    ValidationFailed,
)
from src.services.goals import get_goal, scope_of, submission_problems
from src.services.pooling import pooling_level, pooling_region_level


class GoalAction(StrEnum):
    SUBMIT = "SUBMIT"
    PRELIMINARY_REVIEW = "PRELIMINARY_REVIEW"
    REVIEW = "REVIEW"
    SUBMIT_TO_NATIONAL = "SUBMIT_TO_NATIONAL"
    ISSUE_GUIDING = "ISSUE_GUIDING"
    NATIONAL_APPROVE = "NATIONAL_APPROVE"
    ISSUE = "ISSUE"
    RETURN = "RETURN"
    ADJUSTMENT_REQUEST = "ADJUSTMENT_REQUEST"


OPERATION = {  # the mutation that performs each action, for messages and the audit trail
    GoalAction.SUBMIT: "goalSubmit",
    GoalAction.PRELIMINARY_REVIEW: "goalPreliminaryReview",
    GoalAction.REVIEW: "goalReview",
    GoalAction.SUBMIT_TO_NATIONAL: "goalSubmitToNational",
    GoalAction.ISSUE_GUIDING: "goalIssueGuiding",
    GoalAction.NATIONAL_APPROVE: "goalNationalApprove",
    GoalAction.ISSUE: "goalIssue",
    GoalAction.RETURN: "goalReturn",
    GoalAction.ADJUSTMENT_REQUEST: "goalAdjustmentRequest",
}

# Who may send a goal back, by the state it is in: the step that would act on it next.
RETURNER = {
    GoalStatus.SUBMITTED: policy.Action.GOAL_PRELIMINARY_REVIEW,
    GoalStatus.PRELIMINARY_REVIEWED: policy.Action.GOAL_REVIEW,
    GoalStatus.REVIEWED: policy.Action.GOAL_REVIEW,
    GoalStatus.SUBMITTED_TO_NATIONAL: policy.Action.GOAL_NATIONAL_REVIEW,
    GoalStatus.ISSUED_GUIDING: policy.Action.GOAL_NATIONAL_REVIEW,
}


@dataclass(frozen=True)
class Step:
    permission: policy.Action
    sources: frozenset[GoalStatus]
    target: GoalStatus
    province_only: bool = False


STEPS: dict[GoalAction, Step] = {
    GoalAction.SUBMIT: Step(policy.Action.GOAL_DRAFT, policy.DRAFT_STATES, GoalStatus.SUBMITTED),
    GoalAction.PRELIMINARY_REVIEW: Step(
        policy.Action.GOAL_PRELIMINARY_REVIEW,
        frozenset({GoalStatus.SUBMITTED}),
        GoalStatus.PRELIMINARY_REVIEWED,
    ),
    GoalAction.REVIEW: Step(
        policy.Action.GOAL_REVIEW, frozenset({GoalStatus.PRELIMINARY_REVIEWED}), GoalStatus.REVIEWED
    ),
    GoalAction.SUBMIT_TO_NATIONAL: Step(
        policy.Action.GOAL_SUBMIT_TO_NATIONAL,
        frozenset({GoalStatus.REVIEWED, GoalStatus.ISSUED_GUIDING}),
        GoalStatus.SUBMITTED_TO_NATIONAL,
        province_only=True,
    ),
    GoalAction.ISSUE_GUIDING: Step(
        policy.Action.GOAL_ISSUE,
        frozenset({GoalStatus.REVIEWED, GoalStatus.SUBMITTED_TO_NATIONAL}),
        GoalStatus.ISSUED_GUIDING,
        province_only=True,
    ),
    GoalAction.NATIONAL_APPROVE: Step(
        policy.Action.GOAL_NATIONAL_REVIEW,
        frozenset({GoalStatus.SUBMITTED_TO_NATIONAL, GoalStatus.ISSUED_GUIDING}),
        GoalStatus.NATIONAL_APPROVED,
        province_only=True,
    ),
    # Formal issue: the province's goal after national approval; a pooling region's goal after review.
    GoalAction.ISSUE: Step(
        policy.Action.GOAL_ISSUE,
        frozenset({GoalStatus.NATIONAL_APPROVED, GoalStatus.REVIEWED}),
        GoalStatus.ISSUED,
    ),
}


def _invalid(goal: Goal, action: GoalAction, why: str | None = None) -> InvalidTransition:
    status = label_zh(goal.status)
    return InvalidTransition(
        why or f"目标当前状态为“{status}”（{goal.status.value}），不能执行{OPERATION[action]}",
        current_status=goal.status.value,
        operation=OPERATION[action],
    )


def _check_state(goal: Goal, action: GoalAction, step: Step, region_level: RegionLevel) -> None:
    if step.province_only and region_level != RegionLevel.PROVINCE:
        raise _invalid(goal, action, "只有全省统一的区域目标报国家相关部门审核或指导性下达")
    if goal.status not in step.sources:
        raise _invalid(goal, action)
    national_submitted = goal.national_submitted_at is not None
    if (
        action == GoalAction.SUBMIT_TO_NATIONAL
        and goal.status == GoalStatus.ISSUED_GUIDING
        and national_submitted
    ):
        raise _invalid(goal, action, "该目标已报国家相关部门审核")
    if (
        action == GoalAction.NATIONAL_APPROVE
        and goal.status == GoalStatus.ISSUED_GUIDING
        and not national_submitted
    ):
        raise _invalid(goal, action, "该目标尚未报国家相关部门审核")
    if action == GoalAction.ISSUE:
        needed = GoalStatus.NATIONAL_APPROVED if region_level == RegionLevel.PROVINCE else GoalStatus.REVIEWED
        if goal.status != needed:
            raise _invalid(goal, action)


async def _log(
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


async def transition(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, action: GoalAction
) -> Goal:
    """One forward step of the chain (everything but return and adjustment)."""
    step = STEPS[action]
    goal = await get_goal(session=session, goal_id=goal_id)
    scope = await scope_of(session=session, record=goal)
    policy.require(actor, step.permission, scope)
    _check_state(goal, action, step, scope.region_level)
    before_status = goal.status
    before = audit.snapshot(goal)
    await claim(
        session=session,
        row=goal,
        expected_version=row_version,
        extra_where=(col(Goal.status) == goal.status,),
    )

    if action == GoalAction.SUBMIT:
        indicators = (
            await session.exec(
                select(Indicator)
                .where(Indicator.goal_id == goal.id)
                .order_by(col(Indicator.sort_order), col(Indicator.id))
            )
        ).all()
        problems = submission_problems(list(indicators))
        if problems:
            raise ValidationFailed(problems)
        goal.drafter_organization_id = actor.organization_id
        goal.co_drafter_organization_id = await _tax_organization(session, goal.region_id)
    if action == GoalAction.SUBMIT_TO_NATIONAL:
        goal.national_submitted_at = utcnow()
        # Guiding goals stay in force while the national review runs (Art. 10).
        goal.status = GoalStatus.ISSUED_GUIDING if goal.status == GoalStatus.ISSUED_GUIDING else step.target
    else:
        goal.status = step.target
    session.add(goal)
    await session.flush()
    created: list[Goal] = []
    if goal.status in policy.ISSUED_STATES:
        await _supersede_earlier_versions(session, actor, goal)
    if action in (GoalAction.ISSUE_GUIDING, GoalAction.ISSUE):
        created = await decompose(session=session, actor=actor, goal=goal)
    await _log(session, actor, goal, action, before_status, None)
    await audit.record(
        session=session,
        actor=actor,
        operation=OPERATION[action],
        target_type="Goal",
        target_id=goal.id,
        before=before,
        after=audit.snapshot(goal),
        extra={"decomposed_goal_ids": [g.id for g in created]} if created else None,
    )
    return goal


async def return_goal(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, reason: str
) -> Goal:
    goal = await get_goal(session=session, goal_id=goal_id)
    scope = await scope_of(session=session, record=goal)
    permission = RETURNER.get(goal.status)
    if permission is None or (
        goal.status == GoalStatus.ISSUED_GUIDING and goal.national_submitted_at is None
    ):
        # Nobody can return it now; tell a would-be returner why, anyone else only that it is not theirs.
        if any(policy.allowed(actor, p, scope) for p in set(RETURNER.values())):
            raise _invalid(goal, GoalAction.RETURN)
        raise Forbidden()
    policy.require(actor, permission, scope)
    if not reason.strip():
        raise ValidationFailed([FieldProblem("input.reason", "退回须说明理由", ErrorCode.REQUIRED)])
    before_status = goal.status
    before = audit.snapshot(goal)
    await claim(
        session=session,
        row=goal,
        expected_version=row_version,
        extra_where=(col(Goal.status) == goal.status,),
    )
    goal.status = GoalStatus.RETURNED
    session.add(goal)
    await session.flush()
    await _log(session, actor, goal, GoalAction.RETURN, before_status, reason.strip())
    await audit.record(
        session=session,
        actor=actor,
        operation="goalReturn",
        target_type="Goal",
        target_id=goal.id,
        before=before,
        after=audit.snapshot(goal),
        extra={"reason": reason.strip()},
    )
    return goal


async def request_adjustment(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, reason: str
) -> Goal:
    """Art. 14: a materially changed goal is re-assessed and re-approved as a new version."""
    goal = await get_goal(session=session, goal_id=goal_id)
    scope = await scope_of(session=session, record=goal)
    policy.require(actor, policy.Action.GOAL_DRAFT, scope)
    if goal.status not in policy.ISSUED_STATES:
        raise _invalid(goal, GoalAction.ADJUSTMENT_REQUEST, "只有已下达（指导性或正式）的目标可以申请调整")
    if not reason.strip():
        raise ValidationFailed([FieldProblem("input.reason", "调整申请须说明理由", ErrorCode.REQUIRED)])
    lineage = (await session.exec(select(Goal).where(Goal.lineage_id == goal.lineage_id))).all()
    if any(g.status not in policy.ISSUED_STATES | {GoalStatus.SUPERSEDED} for g in lineage):
        raise Conflict("该目标已有正在办理的调整版本")
    await claim(session=session, row=goal, expected_version=row_version)
    new = Goal(
        title=goal.title,
        content=goal.content,
        horizon=goal.horizon,
        start_year=goal.start_year,
        end_year=goal.end_year,
        fund_type_id=goal.fund_type_id,
        region_id=goal.region_id,
        overall_goal_id=goal.overall_goal_id,
        parent_goal_id=goal.parent_goal_id,
        lineage_id=goal.lineage_id,
        previous_version_id=goal.id,
        version=max(g.version for g in lineage) + 1,
        adjustment_reason=reason.strip(),
        drafter_organization_id=actor.organization_id,
    )
    session.add(new)
    await session.flush()
    await _copy_indicators(session, source_id=goal.id, target_id=new.id)
    await _log(session, actor, new, GoalAction.ADJUSTMENT_REQUEST, goal.status, reason.strip())
    await audit.record(
        session=session,
        actor=actor,
        operation="goalAdjustmentRequest",
        target_type="Goal",
        target_id=new.id,
        before={},
        after=audit.snapshot(new),
    )
    return new


async def _supersede_earlier_versions(session: AsyncSession, actor: Actor, goal: Goal) -> None:
    if goal.version == 1:
        return
    earlier = (
        await session.exec(
            select(Goal).where(
                Goal.lineage_id == goal.lineage_id,
                col(Goal.version) < goal.version,
                col(Goal.status).in_(list(policy.ISSUED_STATES)),
            )
        )
    ).all()
    for old in earlier:
        before = old.status
        old.status = GoalStatus.SUPERSEDED
        old.row_version += 1
        session.add(old)
        await session.flush()
        await _log(session, actor, old, GoalAction.ISSUE, before, f"被第 {goal.version} 版取代")


async def _tax_organization(session: AsyncSession, region_id: int) -> int | None:
    """The tax department the agency drafts with (商税务部门), recorded as co-drafter."""
    stmt = select(Organization.id).where(
        Organization.region_id == region_id, Organization.actor_type == ActorType.TAX
    )
    return (await session.exec(stmt)).first()


async def _copy_indicators(session: AsyncSession, *, source_id: int | None, target_id: int | None) -> None:
    assert source_id is not None and target_id is not None
    rows = (await session.exec(select(Indicator).where(Indicator.goal_id == source_id))).all()
    exclude = {"id", "goal_id", "row_version", "created_at", "updated_at"}
    session.add_all([Indicator(goal_id=target_id, **row.model_dump(exclude=exclude)) for row in rows])
    await session.flush()


async def decompose(*, session: AsyncSession, actor: Actor, goal: Goal) -> list[Goal]:
    """分解下达: the province's goal becomes DRAFT goals of each pooling region below it (Art. 6, 10)."""
    province = await session.get(Region, goal.region_id)
    fund = await session.get(FundType, goal.fund_type_id)
    assert province is not None and fund is not None and fund.id is not None
    if province.level != RegionLevel.PROVINCE:
        return []
    level = pooling_region_level(
        await pooling_level(session=session, fund_type_id=fund.id, year=goal.start_year)
    )
    if level == RegionLevel.PROVINCE:
        return []  # the province is itself the pooling region; prefectures do the work on its goal
    regions = (
        await session.exec(
            select(Region)
            .where(Region.parent_id == province.id, Region.level == level)
            .order_by(col(Region.code))
        )
    ).all()
    # A region that already holds a goal for this fund, horizon and period keeps it.
    taken = set(
        (
            await session.exec(
                select(Goal.region_id).where(
                    Goal.fund_type_id == fund.id,
                    Goal.horizon == goal.horizon,
                    Goal.start_year == goal.start_year,
                    Goal.end_year == goal.end_year,
                )
            )
        ).all()
    )
    overall_by_region: dict[int, int] = {}
    if goal.horizon == GoalHorizon.ANNUAL:
        overall_rows = (
            await session.exec(
                select(Goal.region_id, func.max(Goal.id))
                .where(
                    Goal.fund_type_id == fund.id,
                    Goal.horizon == GoalHorizon.OVERALL,
                    col(Goal.start_year) <= goal.start_year,
                    col(Goal.end_year) >= goal.start_year,
                )
                .group_by(col(Goal.region_id))
            )
        ).all()
        overall_by_region = {region_id: goal_id for region_id, goal_id in overall_rows if goal_id is not None}
    period = (
        f"{goal.start_year}年"
        if goal.horizon == GoalHorizon.ANNUAL
        else f"{goal.start_year}—{goal.end_year}年"
    )
    created = [
        Goal(
            title=f"{region.name}{period}{fund.name_zh}预算绩效{label_zh(goal.horizon)}",
            content=goal.content,
            horizon=goal.horizon,
            start_year=goal.start_year,
            end_year=goal.end_year,
            fund_type_id=fund.id,
            region_id=region.id or 0,
            parent_goal_id=goal.id,
            overall_goal_id=overall_by_region.get(region.id or 0),
        )
        for region in regions
        if region.id not in taken
    ]
    session.add_all(created)
    await session.flush()
    for child in created:
        child.lineage_id = child.id
        await _copy_indicators(session, source_id=goal.id, target_id=child.id)
    await session.flush()
    return created
