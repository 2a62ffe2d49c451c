"""Creating, editing and deleting draft goals (Art. 7–8): the agency of the pooling region drafts."""

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    FundType,
    Goal,
    GoalCreate,
    GoalDecompositionTarget,
    GoalTaxOpinion,
    GoalTransition,
    GoalUpdate,
    Indicator,
    Region,
)
from src.models.enums import GoalHorizon, GoalStatus, RegionLevel
from src.models.goal import GoalEventKind
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.goals.editing import announce_edit, editable_goal, visible_goal
from src.services.pooling import pooling_level, pooling_region_level

TITLE_REQUIRED = FieldProblem("input.title", "目标名称不能为空", ErrorCode.REQUIRED)


async def _period_problems(
    session: AsyncSession, actor: Actor, data: GoalCreate, fund: FundType, region: Region
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not data.title.strip():
        problems.append(TITLE_REQUIRED)
    if data.start_year > data.end_year:
        problems.append(FieldProblem("input.endYear", "结束年度不能早于开始年度", ErrorCode.INVALID))
    if data.horizon == GoalHorizon.ANNUAL and data.start_year != data.end_year:
        problems.append(FieldProblem("input.endYear", "年度目标的开始与结束年度应相同", ErrorCode.INVALID))
    if data.horizon == GoalHorizon.OVERALL and data.start_year == data.end_year:
        problems.append(FieldProblem("input.endYear", "总体目标应覆盖多个年度", ErrorCode.INVALID))
    if region.level != RegionLevel.PROVINCE:
        # Below the province, only a pooling region owns the fund's goals (Art. 6).
        assert fund.id is not None
        level = await pooling_level(session=session, fund_type_id=fund.id, year=data.start_year)
        if pooling_region_level(level) != region.level:
            problems.append(
                FieldProblem("input.regionCode", f"{region.name}不是该险种{data.start_year}年的统筹地区")
            )
    if data.overall_goal_id is not None:
        problems += await _overall_goal_problems(session, actor, data, fund, region)
    return problems


OVERALL_GOAL = "input.overallGoalId"


async def _overall_goal_problems(
    session: AsyncSession, actor: Actor, data: GoalCreate, fund: FundType, region: Region
) -> list[FieldProblem]:
    """Art. 8: an annual goal is the yearly plan toward an overall goal (「年度目标是实现总体目标的年度计划
    任务」): one of the same fund and region, whose period covers the year. One the drafter may not read is
    reported as absent, like a missing one."""
    assert data.overall_goal_id is not None
    if data.horizon != GoalHorizon.ANNUAL:
        return [FieldProblem(OVERALL_GOAL, "只有年度目标归属总体目标（第八条）")]
    try:
        overall, _ = await visible_goal(session=session, actor=actor, goal_id=data.overall_goal_id)
    except NotFound:
        return [FieldProblem(OVERALL_GOAL, "总体目标不存在", ErrorCode.NOT_FOUND)]
    if overall.horizon != GoalHorizon.OVERALL:
        return [FieldProblem(OVERALL_GOAL, "所选目标是年度目标；年度目标只能归属总体目标（第八条）")]
    problems: list[FieldProblem] = []
    if overall.fund_type_id != fund.id:
        problems.append(FieldProblem(OVERALL_GOAL, "总体目标须为同一险种的目标"))
    if overall.region_id != region.id:
        problems.append(FieldProblem(OVERALL_GOAL, "总体目标须为同一统筹地区的目标"))
    if not overall.start_year <= data.start_year <= overall.end_year:
        period = f"{overall.start_year}—{overall.end_year}年"
        problems.append(FieldProblem(OVERALL_GOAL, f"{data.start_year}年不在总体目标的期间（{period}）内"))
    if overall.status == GoalStatus.SUPERSEDED:
        problems.append(FieldProblem(OVERALL_GOAL, "该总体目标已被新版本取代，请归属现行版本"))
    return problems


async def create_goal(*, session: AsyncSession, actor: Actor, data: GoalCreate) -> Goal:
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
    policy.require(actor, policy.Action.GOAL_DRAFT, scope)
    problems = await _period_problems(session, actor, data, fund, region)
    if problems:
        raise ValidationFailed(problems)
    if region.level != RegionLevel.PROVINCE:
        # Only a pooling region gets this far (checked above): its goals come from the province's (Art. 6).
        raise PreconditionFailed(
            f"{region.name}{data.start_year}年{fund.name_zh}的绩效目标由全省统一的区域目标分解下达（第六条），"
            "不能自行新建；请待省级目标下达后，在分解下达的目标上补充本地区指标或调严指标值",
            code=GoalErrorCode.COMES_FROM_DECOMPOSITION,
        )

    same_scope = (
        select(func.count())
        .select_from(Goal)
        .where(
            Goal.fund_type_id == fund.id,
            Goal.region_id == region.id,
            Goal.horizon == data.horizon,
            Goal.start_year == data.start_year,
            Goal.end_year == data.end_year,
        )
    )
    if (await session.exec(same_scope)).one():
        raise Conflict("该险种、地区和期间的目标已存在", code=GoalErrorCode.DUPLICATE)

    goal = Goal(
        **data.model_dump(include=set(GoalCreate.model_fields) - {"fund_type_code", "region_code"}),
        fund_type_id=fund.id,
        region_id=region.id,
        drafter_organization_id=actor.organization_id,
    )
    goal.title = data.title.strip()
    session.add(goal)
    await session.flush()
    await audit.created(session=session, actor=actor, operation="goalCreate", row=goal)
    await announce_edit(
        session=session, actor=actor, goal=goal, operation="goalCreate", kind=GoalEventKind.GOAL_CREATED
    )
    return goal


async def update_goal(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, patch: GoalUpdate
) -> Goal:
    goal = await editable_goal(
        session=session, actor=actor, goal_id=goal_id, row_version=row_version, operation="goalUpdate"
    )
    fields: list[str] = []
    async with audit.changing(session=session, actor=actor, operation="goalUpdate", row=goal):
        if patch.title is not None:
            if not patch.title.strip():
                raise ValidationFailed([TITLE_REQUIRED])
            if patch.title.strip() != goal.title:
                fields.append("title")
            goal.title = patch.title.strip()
        if patch.content is not None:
            if patch.content != goal.content:
                fields.append("content")
            goal.content = patch.content
    await announce_edit(session=session, actor=actor, goal=goal, operation="goalUpdate", fields=fields)
    return goal


async def delete_goal(*, session: AsyncSession, actor: Actor, goal_id: int, row_version: int) -> int:
    goal = await editable_goal(
        session=session, actor=actor, goal_id=goal_id, row_version=row_version, operation="goalDelete"
    )
    assert goal.id is not None
    if goal.parent_goal_id is not None:
        raise InvalidTransition(
            "该目标由全省统一的区域目标分解下达，统筹地区不能删除（第六条）",
            current_status=goal.status.value,
            operation="goalDelete",
            code=GoalErrorCode.DECOMPOSED_GOAL_LOCKED,
        )
    dependants = (
        select(func.count())
        .select_from(Goal)
        .where(
            (col(Goal.parent_goal_id) == goal.id)
            | (col(Goal.overall_goal_id) == goal.id)
            | (col(Goal.previous_version_id) == goal.id)
        )
    )
    if (await session.exec(dependants)).one():
        raise Conflict(
            "该目标已被其他目标引用（分解、年度目标或新版本），不能删除", code=GoalErrorCode.STILL_REFERENCED
        )
    # Announced while the goal is there: the event carries its scope (who could read it).
    await announce_edit(
        session=session, actor=actor, goal=goal, operation="goalDelete", kind=GoalEventKind.GOAL_DELETED
    )
    await session.exec(delete(GoalDecompositionTarget).where(col(GoalDecompositionTarget.goal_id) == goal.id))
    await session.exec(delete(GoalTaxOpinion).where(col(GoalTaxOpinion.goal_id) == goal.id))
    # A returned goal or an adjustment draft has steps behind it: they go with it (the audit trail keeps
    # each of them).
    await session.exec(delete(GoalTransition).where(col(GoalTransition.goal_id) == goal.id))
    await session.exec(delete(Indicator).where(col(Indicator.goal_id) == goal.id))
    await audit.deleted(session=session, actor=actor, operation="goalDelete", row=goal)
    return goal.id
