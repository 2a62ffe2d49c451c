"""Moving a goal through its workflow (Art. 7, 10, 14): the forward steps, returns, and adjustment.

Every step is a GoalTransition row and an audit event, written in the caller's transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, GoalTransition, Indicator
from src.models.base import utcnow
from src.models.enums import ActorType, GoalStatus
from src.models.goal import GoalEventKind
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import Conflict, ErrorCode, FieldProblem, Forbidden, GoalErrorCode, ValidationFailed
from src.services.goals import cascade, issuing, tax
from src.services.goals.decomposition import require_complete
from src.services.goals.decomposition_edits import copy_table
from src.services.goals.editing import visible_goal
from src.services.goals.steps import (
    ISSUING,
    OPERATION,
    RETURNER,
    STEPS,
    GoalAction,
    check_state,
    invalid,
    national_review_open,
)
from src.services.goals.validation import submission_problems
from src.services.rules import rules_for
from src.subjects.events import record_event

# The event each logged step announces (anything else is a step of the chain).
_EVENT_KINDS = {
    GoalAction.DECOMPOSE: GoalEventKind.GOAL_DECOMPOSED,
    GoalAction.ADJUSTMENT_REQUEST: GoalEventKind.GOAL_ADJUSTMENT_REQUESTED,
}


async def _log(
    session: AsyncSession,
    actor: Actor,
    goal: Goal,
    action: GoalAction,
    before: GoalStatus,
    reason: str | None,
    *,
    issued: bool = False,
) -> None:
    """Every status change of a goal passes here: its transition row, and the event announcing it (with
    the number and moment of the issue, for a step that issued it)."""
    assert goal.id is not None
    payload: dict[str, object] = {"action": action.value, "fromStatus": before.value,
                                  "toStatus": goal.status.value, "version": goal.version}  # fmt: skip
    if issued:
        payload.update(issuing.issue_payload(goal))
    await record_event(
        session=session,
        kind=_EVENT_KINDS.get(action, GoalEventKind.GOAL_STATUS_CHANGED),
        subject=goal,
        actor=actor,
        payload=payload,
    )
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


async def _claim_in_status(session: AsyncSession, goal: Goal, row_version: int, seen: GoalStatus) -> None:
    """Claim the version while the goal is still in the status the check saw (changes made before go in)."""
    where = (col(Goal.status) == seen,)
    await claim(session=session, row=goal, expected_version=row_version, extra_where=where)


async def _newer_version(session: AsyncSession, goal: Goal) -> Goal | None:
    stmt = select(Goal).where(Goal.lineage_id == goal.lineage_id, col(Goal.version) > goal.version)
    return (await session.exec(stmt.order_by(col(Goal.version).desc()))).first()


async def _require_latest(session: AsyncSession, goal: Goal, action: GoalAction) -> None:
    """An older version in force takes no more steps: the work goes on in its successor (Art. 14)."""
    newer = await _newer_version(session, goal)
    if newer is not None:
        raise invalid(
            goal,
            action,
            f"该目标已有第 {newer.version} 版（ID {newer.id}）在办理，请在新版本上操作",
            GoalErrorCode.NEWER_VERSION_EXISTS,
        )


async def transition(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, action: GoalAction
) -> Goal:
    """One forward step of the chain (everything but return and adjustment)."""
    step = STEPS[action]
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    policy.require(actor, step.permission, scope)
    await _require_latest(session, goal, action)
    check_state(goal, action, step, scope.region_level)
    before_status = goal.status
    table = None
    if action in ISSUING:
        table = await require_complete(session, goal)
    claim_first = action in (GoalAction.SUBMIT, GoalAction.ISSUE)  # what they read more: under the row lock
    async with audit.changing(session=session, actor=actor, operation=OPERATION[action], row=goal) as extra:
        if claim_first:
            await _claim_in_status(session, goal, row_version, before_status)
        if action == GoalAction.SUBMIT:
            await _check_complete(session, goal)
            goal.co_drafter_organization_id = await tax.require_concurrence(session, goal)
            goal.drafter_organization_id = actor.organization_id
        if action == GoalAction.SUBMIT_TO_NATIONAL:
            goal.national_submitted_at = utcnow()
        if action == GoalAction.NATIONAL_APPROVE:
            goal.national_approved_at = utcnow()
        # A guiding goal stays in force, as guiding, through the national review until it is formally
        # issued (Art. 10): its submission and approval are the timestamps above, not a status.
        national_review = (GoalAction.SUBMIT_TO_NATIONAL, GoalAction.NATIONAL_APPROVE)
        if not (action in national_review and goal.status == GoalStatus.ISSUED_GUIDING):
            goal.status = step.target
        if action == GoalAction.ISSUE and not await cascade.parent_is_formal(session, goal):
            goal.status = GoalStatus.ISSUED_GUIDING  # guiding until the province-wide goal is formal
            extra["issued_as"] = "guiding: the province-wide goal it comes from is not yet formally issued"
        if not claim_first:  # the step's changes above go in the claim's UPDATE: one UPDATE, not two
            await _claim_in_status(session, goal, row_version, before_status)
        session.add(goal)
        await session.flush()
        now = utcnow()
        if action in ISSUING:
            # The issue's number, from the issuing body's sequence (issuing.py); the audit entry records
            # it with the goal's other fields (document_number, issued_at, issuer_organization_id).
            await issuing.record_issue(session, goal, organization_id=actor.organization_id, at=now)
            # Only issuing replaces the version in force (Art. 10, 14).
            await _supersede_earlier_versions(session, actor, goal)
        log = _logger(session, actor, now)
        if table is not None:
            touched = await cascade.decompose(session=session, actor=actor, goal=goal, table=table, log=log)
            if touched:
                extra["decomposed_goal_ids"] = [g.id for g in touched]
        if goal.status == GoalStatus.ISSUED:
            formal = await cascade.formalize_children(session, goal, log)
            if formal:
                extra["formalized_goal_ids"] = [g.id for g in formal]
        await _log(session, actor, goal, action, before_status, None, issued=action in ISSUING)
    return goal


def _logger(session: AsyncSession, actor: Actor, now: datetime) -> cascade.Log:
    """Logs the steps the cascade takes on the regions' goals. A region's guiding goal made formal with
    the province-wide goal (Art. 10) is formally issued then: by the body that issued it as guiding, which
    numbers it in its own sequence (issuing.py)."""

    async def log(goal: Goal, before: GoalStatus, reason: str) -> None:
        formalized = before == GoalStatus.ISSUED_GUIDING and goal.status == GoalStatus.ISSUED
        body = await issuing.issuing_body(session, goal) if formalized else None
        if body is not None:
            await issuing.record_issue(session, goal, organization_id=body, at=now)
        await _log(session, actor, goal, GoalAction.DECOMPOSE, before, reason, issued=body is not None)

    return log


async def _check_complete(session: AsyncSession, goal: Goal) -> None:
    stmt = (
        select(Indicator)
        .where(Indicator.goal_id == goal.id)
        .order_by(col(Indicator.sort_order), col(Indicator.id))
    )
    rules = await rules_for(session=session, region_id=goal.region_id)
    problems = submission_problems(
        (await session.exec(stmt)).all(),
        weight_total=rules.indicator_weight_total,
        coverage=rules.indicator_coverage,
        level1_weights=rules.fixed_level1_weights(),
    )
    if problems:
        raise ValidationFailed(problems)


async def return_goal(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, reason: str
) -> Goal:
    """Send a goal back with a reason. A national return of a goal already issued as guiding does not touch
    the version in force (Art. 10, 14): it opens the next version, RETURNED, to rework; that is returned."""
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    permission = RETURNER.get(goal.status)
    if permission is None or (goal.status == GoalStatus.ISSUED_GUIDING and not national_review_open(goal)):
        # Nobody can return it now; tell a would-be returner why, anyone else only that it is not theirs.
        if any(policy.allowed(actor, p, scope) for p in set(RETURNER.values())):
            raise invalid(goal, GoalAction.RETURN)
        raise Forbidden()
    policy.require(actor, permission, scope)
    await _require_latest(session, goal, GoalAction.RETURN)
    why = _reason(reason, "退回须说明理由")
    before_status = goal.status
    if goal.status == GoalStatus.ISSUED_GUIDING:
        await _claim_in_status(session, goal, row_version, goal.status)
        new = await _next_version(session, actor, goal, status=GoalStatus.RETURNED, operation="goalReturn")
        await _log(
            session,
            actor,
            goal,
            GoalAction.RETURN,
            before_status,
            f"{why}（指导性目标继续有效，第 {new.version} 版待修改）",
        )
        await _log(session, actor, new, GoalAction.RETURN, before_status, why)
        return new
    async with audit.changing(session=session, actor=actor, operation="goalReturn", row=goal) as extra:
        goal.status = GoalStatus.RETURNED
        await _claim_in_status(session, goal, row_version, before_status)  # one UPDATE with the status
        extra["reason"] = why
    await _log(session, actor, goal, GoalAction.RETURN, before_status, why)
    return goal


@dataclass(frozen=True)
class Assessment:
    """What an adjustment request carries (Art. 14 「经评估后」), each part required."""

    what_changed: str
    reason: str
    fund_effect: str
    target_effect: str


ASSESSMENT_PARTS = {
    "what_changed": ("input.whatChanged", "须说明发生了什么变化"),
    "reason": ("input.reason", "须说明调整理由"),
    "fund_effect": ("input.fundEffect", "须评估对基金收支的预计影响"),
    "target_effect": ("input.targetEffect", "须评估对绩效目标和指标的预计影响"),
}


def _assessment(assessment: Assessment) -> Assessment:
    problems: list[FieldProblem] = []
    cleaned: dict[str, str] = {}
    for name, (field, message) in ASSESSMENT_PARTS.items():
        text = str(getattr(assessment, name)).strip()
        if not text:
            problems.append(FieldProblem(field, message, ErrorCode.REQUIRED))
        elif len(text) > FREE_TEXT_MAX_LENGTH:
            problems.append(
                FieldProblem(field, f"内容过长（最多 {FREE_TEXT_MAX_LENGTH} 个字符）", ErrorCode.OUT_OF_RANGE)
            )
        cleaned[name] = text
    if problems:
        raise ValidationFailed(problems)
    return Assessment(**cleaned)


async def _next_version(
    session: AsyncSession,
    actor: Actor,
    goal: Goal,
    *,
    status: GoalStatus,
    operation: str,
    assessment: Assessment | None = None,
) -> Goal:
    """The lineage's next version: the goal's content, indicators and decomposition table, to rework."""
    carried = {"title", "content", "horizon", "start_year", "end_year", "fund_type_id", "region_id"}
    new = Goal(
        **goal.model_dump(include=carried | {"overall_goal_id", "parent_goal_id", "lineage_id"}),
        status=status,
        previous_version_id=goal.id,
        version=goal.version + 1,
        drafter_organization_id=actor.organization_id if actor.actor_type == ActorType.AGENCY else None,
    )
    if assessment is not None:
        new.adjustment_reason = assessment.reason
        new.adjustment_what_changed = assessment.what_changed
        new.adjustment_fund_effect = assessment.fund_effect
        new.adjustment_target_effect = assessment.target_effect
    await audit.created(session=session, actor=actor, operation=operation, row=new)
    assert goal.id is not None and new.id is not None
    copied = await cascade.copy_indicators(session, source_id=goal.id, target_id=new.id)
    await copy_table(session, source_id=goal.id, target_id=new.id, indicator_ids=copied)
    return new


async def request_adjustment(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, assessment: Assessment
) -> Goal:
    """Art. 14: a goal in force that must change materially is assessed, then re-approved by the same
    procedure as a new version; the version in force stays in force until the new one is issued."""
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    policy.require(actor, policy.Action.GOAL_ADJUSTMENT_REQUEST, scope)
    if goal.status not in policy.ISSUED_STATES:
        raise invalid(
            goal,
            GoalAction.ADJUSTMENT_REQUEST,
            "只有已下达（指导性或正式）的目标可以申请调整",
            GoalErrorCode.NOT_ISSUED,
        )
    checked = _assessment(assessment)
    if await _newer_version(session, goal) is not None:
        raise Conflict("该目标已有正在办理的调整版本", code=GoalErrorCode.ADJUSTMENT_PENDING)
    await claim(session=session, row=goal, expected_version=row_version)
    new = await _next_version(
        session, actor, goal, status=GoalStatus.DRAFT, operation="goalAdjustmentRequest", assessment=checked
    )
    await _log(session, actor, new, GoalAction.ADJUSTMENT_REQUEST, goal.status, checked.reason)
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
        await _log(session, actor, old, GoalAction.ISSUE, before, f"被第 {goal.version} 版取代")
