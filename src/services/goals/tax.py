"""The tax department's part in drafting (Art. 5 「社会保险经办机构和税务部门具体负责绩效目标制定」, Art. 7
「省级社会保险经办机构商省税务局制定」): it concurs with or objects to the current content of a draft; the
agency submits only content the tax department of the same region has concurred with."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, GoalTaxOpinion
from src.models.enums import TaxVerdict
from src.models.goal import GoalEventKind
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrence import concur, concurs, not_concurred, require_tax_department, withdraw
from src.services.concurrency import claim
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.goals.editing import visible_goal
from src.services.goals.steps import GoalAction, invalid
from src.subjects.events import record_event

OPERATION = {TaxVerdict.CONCUR: "goalTaxConcur", TaxVerdict.OBJECT: "goalTaxObject"}


def _opinion(verdict: TaxVerdict, text: str | None) -> str:
    opinion = (text or "").strip()
    if verdict == TaxVerdict.OBJECT and not opinion:
        raise ValidationFailed([FieldProblem("input.reason", "不同意须说明理由", ErrorCode.REQUIRED)])
    if len(opinion) > FREE_TEXT_MAX_LENGTH:
        field = "input.reason" if verdict == TaxVerdict.OBJECT else "input.opinion"
        raise ValidationFailed(
            [FieldProblem(field, f"内容过长（最多 {FREE_TEXT_MAX_LENGTH} 个字符）", ErrorCode.OUT_OF_RANGE)]
        )
    return opinion


async def record_opinion(
    *,
    session: AsyncSession,
    actor: Actor,
    goal_id: int,
    row_version: int,
    verdict: TaxVerdict,
    opinion: str | None,
) -> Goal:
    """Concurrence or objection on the goal's current revision; it holds until the next edit."""
    goal, scope = await visible_goal(session=session, actor=actor, goal_id=goal_id)
    policy.require(actor, policy.Action.GOAL_TAX_OPINION, scope)
    action = GoalAction.TAX_CONCUR if verdict == TaxVerdict.CONCUR else GoalAction.TAX_OBJECT
    if goal.status not in policy.DRAFT_STATES:
        raise invalid(goal, action, "税务部门只对草稿或已退回待修改的目标出具会商意见")
    text = _opinion(verdict, opinion)
    async with audit.changing(session=session, actor=actor, operation=OPERATION[verdict], row=goal) as extra:
        if verdict == TaxVerdict.CONCUR:
            concur(goal)
        else:
            withdraw(goal)
        await claim(session=session, row=goal, expected_version=row_version)  # writes the change above too
        session.add(goal)
        assert goal.id is not None
        session.add(
            GoalTaxOpinion(
                goal_id=goal.id,
                content_revision=goal.content_revision,
                verdict=verdict,
                opinion=text,
                user_id=actor.user_id,
                organization_id=actor.organization_id,
            )
        )
        extra["content_revision"] = goal.content_revision
        extra["opinion"] = text
        await record_event(
            session=session,
            kind=GoalEventKind.GOAL_TAX_OPINION,
            subject=goal,
            actor=actor,
            payload={"verdict": verdict.value, "contentRevision": goal.content_revision},
        )
    return goal


async def require_concurrence(session: AsyncSession, goal: Goal) -> int:
    """The tax organization that concurred with the goal's current content; refuses submission otherwise."""
    organization_id = await require_tax_department(
        session,
        goal,
        missing="{region}尚未设置税务部门，目标无法会商税务部门（第七条），不能报送；"
        "这是系统设置问题，请系统管理员先建立该地区的税务部门及其用户",
    )
    if concurs(goal):
        return organization_id
    latest = (
        await session.exec(
            select(GoalTaxOpinion)
            .where(GoalTaxOpinion.goal_id == goal.id)
            .order_by(col(GoalTaxOpinion.id).desc())
            .limit(1)
        )
    ).first()
    if (
        latest is not None
        and latest.verdict == TaxVerdict.OBJECT
        and latest.content_revision == goal.content_revision
    ):
        why = f"税务部门不同意当前内容：{latest.opinion}"
    elif latest is not None and latest.verdict == TaxVerdict.CONCUR:
        why = "税务部门同意后目标或指标又有修改，须重新会商"
    else:
        why = "目标尚未会商税务部门"
    raise not_concurred(
        f"{why}。报送前须取得同级税务部门对当前内容的同意意见（第五条、第七条：经办机构商税务部门制定）"
    )
