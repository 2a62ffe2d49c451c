"""Drafting goals and their indicators (Art. 7–9): what may be edited, by whom, and what is valid."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundType, Goal, Indicator, IndicatorTemplate, Region
from src.models.enums import (
    Comparator,
    GoalHorizon,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
    RegionLevel,
)
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    Conflict,
    ErrorCode,
    FieldProblem,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from src.services.pooling import pooling_level, pooling_region_level

WEIGHT_TOTAL = Decimal("100")
QUANTITATIVE_COMPARATORS = frozenset({Comparator.GE, Comparator.LE, Comparator.EQ})


@dataclass(frozen=True)
class GoalDraft:
    fund_type_code: str
    region_code: str
    horizon: GoalHorizon
    start_year: int
    end_year: int
    title: str
    content: str = ""
    overall_goal_id: int | None = None


@dataclass(frozen=True)
class GoalPatch:
    title: str | None = None
    content: str | None = None


@dataclass(frozen=True)
class IndicatorDraft:
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    weight: Decimal
    unit: str = ""
    target_value: Decimal | None = None
    target_grade: QualitativeGrade | None = None
    definition: str = ""
    template_id: int | None = None


@dataclass(frozen=True)
class IndicatorPatch:
    """Only the fields given change; `unset` lists fields to clear (targetValue / targetGrade)."""

    level1: IndicatorCategory | None = None
    level2: str | None = None
    level3: str | None = None
    kind: IndicatorKind | None = None
    comparator: Comparator | None = None
    weight: Decimal | None = None
    unit: str | None = None
    target_value: Decimal | None = None
    target_grade: QualitativeGrade | None = None
    definition: str | None = None
    unset: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class TemplatePick:
    template_id: int
    weight: Decimal
    target_value: Decimal | None = None


# --- loading and scope -------------------------------------------------------------------------------


async def get_goal(*, session: AsyncSession, goal_id: int, for_update: bool = False) -> Goal:
    stmt = select(Goal).where(Goal.id == goal_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    goal = (await session.exec(stmt)).first()
    if goal is None:
        raise NotFound("绩效目标", goal_id)
    return goal


async def scope_of(*, session: AsyncSession, record: Goal | FundBudget) -> policy.Scope:
    """Where a goal or budget sits for the policy: its region and its fund's administration."""
    region = await session.get(Region, record.region_id)
    fund = await session.get(FundType, record.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )


def require_editable(goal: Goal, operation: str) -> None:
    if goal.status not in policy.DRAFT_STATES:
        raise InvalidTransition(
            f"目标当前状态为“{goal.status.value}”，只有草稿或已退回的目标可以修改；已下达的目标请通过调整申请修改",
            current_status=goal.status.value,
            operation=operation,
        )


async def _editable_goal(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int | None, operation: str
) -> Goal:
    """Load, authorize, check the state and claim the goal's version: the steps every edit shares."""
    goal = await get_goal(session=session, goal_id=goal_id)
    policy.require(actor, policy.Action.GOAL_DRAFT, await scope_of(session=session, record=goal))
    require_editable(goal, operation)
    await claim(
        session=session, row=goal, expected_version=goal.row_version if row_version is None else row_version
    )
    return goal


# --- validation --------------------------------------------------------------------------------------


def indicator_problems(values: dict[str, Any], prefix: str = "input") -> list[FieldProblem]:
    """Checks one indicator's own fields: comparator and target consistent, unit present, weight in range."""
    problems: list[FieldProblem] = []

    def problem(name: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        problems.append(FieldProblem(f"{prefix}.{name}", message, code))

    for name, label in (("level2", "二级指标"), ("level3", "三级指标")):
        if not str(values.get(name) or "").strip():
            problem(name, f"{label}名称不能为空", ErrorCode.REQUIRED)
    kind, comparator = values.get("kind"), values.get("comparator")
    if kind == IndicatorKind.QUANTITATIVE:
        if comparator not in QUANTITATIVE_COMPARATORS:
            problem("comparator", "定量指标的指标性质应为 ≥、≤ 或 =")
        if values.get("target_value") is None:
            problem("targetValue", "定量指标须填写数值型指标值", ErrorCode.REQUIRED)
        if values.get("target_grade") is not None:
            problem("targetGrade", "定量指标不填写定性等级")
        if not str(values.get("unit") or "").strip():
            problem("unit", "定量指标须填写度量单位", ErrorCode.REQUIRED)
    elif kind == IndicatorKind.QUALITATIVE:
        if comparator != Comparator.GRADE:
            problem("comparator", "定性指标的指标性质应为“定性”")
        if values.get("target_grade") is None:
            problem("targetGrade", "定性指标须填写目标等级（达成 / 部分达成 / 未达成）", ErrorCode.REQUIRED)
        if values.get("target_value") is not None:
            problem("targetValue", "定性指标不填写数值型指标值")
    weight = values.get("weight")
    if weight is None:
        problem("weight", "须填写权重", ErrorCode.REQUIRED)
    elif not Decimal(0) < weight <= WEIGHT_TOTAL or weight != weight.quantize(Decimal("0.01")):
        problem("weight", "权重应大于 0、不超过 100，最多两位小数", ErrorCode.OUT_OF_RANGE)
    return problems


async def _siblings(session: AsyncSession, goal_id: int) -> list[Indicator]:
    stmt = (
        select(Indicator)
        .where(Indicator.goal_id == goal_id)
        .order_by(col(Indicator.sort_order), col(Indicator.id))
    )
    return list((await session.exec(stmt)).all())


def _duplicate_name(
    siblings: list[Indicator], level3: str, own_id: int | None, prefix: str
) -> list[FieldProblem]:
    name = level3.strip()
    if any(s.level3.strip() == name and s.id != own_id for s in siblings):
        return [FieldProblem(f"{prefix}.level3", f"本目标已有三级指标“{name}”", ErrorCode.DUPLICATE)]
    return []


def submission_problems(indicators: list[Indicator]) -> list[FieldProblem]:
    """Everything that must hold before a goal leaves its drafter (Art. 18: weights reasonable, complete)."""
    if not indicators:
        return [FieldProblem("indicators", "目标至少须有一个绩效指标", ErrorCode.REQUIRED)]
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for position, indicator in enumerate(indicators):
        prefix = f"indicators.{position}"
        problems += indicator_problems(indicator.model_dump(), prefix)
        if indicator.level3.strip() in seen:
            problems.append(
                FieldProblem(f"{prefix}.level3", f"三级指标“{indicator.level3}”重复", ErrorCode.DUPLICATE)
            )
        seen.add(indicator.level3.strip())
    total = sum((i.weight for i in indicators), Decimal(0))
    if total != WEIGHT_TOTAL:
        problems.append(
            FieldProblem(
                "indicators", f"指标权重合计应为 100，当前为 {total.normalize():f}", ErrorCode.INVALID
            )
        )
    return problems


# --- goals -------------------------------------------------------------------------------------------


async def create_goal(*, session: AsyncSession, actor: Actor, data: GoalDraft) -> Goal:
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

    problems: list[FieldProblem] = []
    if not data.title.strip():
        problems.append(FieldProblem("input.title", "目标名称不能为空", ErrorCode.REQUIRED))
    if data.start_year > data.end_year:
        problems.append(FieldProblem("input.endYear", "结束年度不能早于开始年度", ErrorCode.INVALID))
    if data.horizon == GoalHorizon.ANNUAL and data.start_year != data.end_year:
        problems.append(FieldProblem("input.endYear", "年度目标的开始与结束年度应相同", ErrorCode.INVALID))
    if data.horizon == GoalHorizon.OVERALL and data.start_year == data.end_year:
        problems.append(FieldProblem("input.endYear", "总体目标应覆盖多个年度", ErrorCode.INVALID))
    if region.level != RegionLevel.PROVINCE:
        # Below the province, only a pooling region owns the fund's goals (Art. 6).
        level = await pooling_level(session=session, fund_type_id=fund.id, year=data.start_year)
        if pooling_region_level(level) != region.level:
            problems.append(
                FieldProblem("input.regionCode", f"{region.name}不是该险种{data.start_year}年的统筹地区")
            )
    if data.overall_goal_id is not None:
        overall = await session.get(Goal, data.overall_goal_id)
        if overall is None or overall.horizon != GoalHorizon.OVERALL:
            problems.append(FieldProblem("input.overallGoalId", "总体目标不存在", ErrorCode.NOT_FOUND))
        elif (overall.fund_type_id, overall.region_id) != (fund.id, region.id) or not (
            overall.start_year <= data.start_year <= overall.end_year
        ):
            problems.append(
                FieldProblem("input.overallGoalId", "总体目标须为同一险种、同一地区且期间覆盖本年度")
            )
    if problems:
        raise ValidationFailed(problems)

    duplicate = (
        await session.exec(
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
    ).one()
    if duplicate:
        raise Conflict("该险种、地区和期间的目标已存在")

    goal = Goal(
        title=data.title.strip(),
        content=data.content,
        horizon=data.horizon,
        start_year=data.start_year,
        end_year=data.end_year,
        fund_type_id=fund.id,
        region_id=region.id,
        overall_goal_id=data.overall_goal_id,
        drafter_organization_id=actor.organization_id,
    )
    session.add(goal)
    await session.flush()
    goal.lineage_id = goal.id
    await session.flush()
    await audit.record(
        session=session,
        actor=actor,
        operation="goalCreate",
        target_type="Goal",
        target_id=goal.id,
        before={},
        after=audit.snapshot(goal),
    )
    return goal


async def update_goal(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, patch: GoalPatch
) -> Goal:
    goal = await _editable_goal(
        session=session, actor=actor, goal_id=goal_id, row_version=row_version, operation="goalUpdate"
    )
    before = audit.snapshot(goal)
    if patch.title is not None:
        if not patch.title.strip():
            raise ValidationFailed([FieldProblem("input.title", "目标名称不能为空", ErrorCode.REQUIRED)])
        goal.title = patch.title.strip()
    if patch.content is not None:
        goal.content = patch.content
    session.add(goal)
    await session.flush()
    await audit.record(
        session=session,
        actor=actor,
        operation="goalUpdate",
        target_type="Goal",
        target_id=goal.id,
        before=before,
        after=audit.snapshot(goal),
    )
    return goal


async def delete_goal(*, session: AsyncSession, actor: Actor, goal_id: int, row_version: int) -> int:
    goal = await _editable_goal(
        session=session, actor=actor, goal_id=goal_id, row_version=row_version, operation="goalDelete"
    )
    assert goal.id is not None
    dependants = (
        await session.exec(
            select(func.count())
            .select_from(Goal)
            .where(
                (col(Goal.parent_goal_id) == goal.id)
                | (col(Goal.overall_goal_id) == goal.id)
                | (col(Goal.previous_version_id) == goal.id)
            )
        )
    ).one()
    if dependants:
        raise Conflict("该目标已被其他目标引用（分解、年度目标或新版本），不能删除")
    before = audit.snapshot(goal)
    await session.exec(delete(Indicator).where(col(Indicator.goal_id) == goal.id))
    await session.delete(goal)
    await session.flush()
    await audit.record(
        session=session,
        actor=actor,
        operation="goalDelete",
        target_type="Goal",
        target_id=goal.id,
        before=before,
        after={},
    )
    return goal.id


# --- indicators --------------------------------------------------------------------------------------


async def create_indicator(
    *, session: AsyncSession, actor: Actor, goal_id: int, data: IndicatorDraft
) -> Indicator:
    goal = await _editable_goal(
        session=session, actor=actor, goal_id=goal_id, row_version=None, operation="indicatorCreate"
    )
    values = {k: getattr(data, k) for k in data.__dataclass_fields__}
    siblings = await _siblings(session, goal_id)
    problems = indicator_problems(values) + _duplicate_name(siblings, data.level3, None, "input")
    if problems:
        raise ValidationFailed(problems)
    cleaned: dict[str, Any] = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    indicator = Indicator(
        goal_id=goal_id, sort_order=max((s.sort_order for s in siblings), default=-1) + 1, **cleaned
    )
    session.add(indicator)
    await session.flush()
    await audit.record(
        session=session,
        actor=actor,
        operation="indicatorCreate",
        target_type="Indicator",
        target_id=indicator.id,
        before={},
        after=audit.snapshot(indicator),
        extra={"goal_row_version": goal.row_version},
    )
    return indicator


async def _editable_indicator(
    *, session: AsyncSession, actor: Actor, indicator_id: int, row_version: int, operation: str
) -> Indicator:
    indicator = await session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("绩效指标", indicator_id)
    await _editable_goal(
        session=session, actor=actor, goal_id=indicator.goal_id, row_version=None, operation=operation
    )
    await claim(session=session, row=indicator, expected_version=row_version)
    return indicator


async def update_indicator(
    *, session: AsyncSession, actor: Actor, indicator_id: int, row_version: int, patch: IndicatorPatch
) -> Indicator:
    indicator = await _editable_indicator(
        session=session,
        actor=actor,
        indicator_id=indicator_id,
        row_version=row_version,
        operation="indicatorUpdate",
    )
    before = audit.snapshot(indicator)
    values = indicator.model_dump()
    for name in patch.__dataclass_fields__:
        value = getattr(patch, name)
        if name != "unset" and value is not None:
            values[name] = value.strip() if isinstance(value, str) else value
    for name in patch.unset:
        values[name] = None
    siblings = await _siblings(session, indicator.goal_id)
    problems = indicator_problems(values) + _duplicate_name(siblings, values["level3"], indicator.id, "input")
    if problems:
        raise ValidationFailed(problems)
    for name in before:
        if name in values and name not in {"id", "goal_id", "row_version", "created_at"}:
            setattr(indicator, name, values[name])
    session.add(indicator)
    await session.flush()
    await audit.record(
        session=session,
        actor=actor,
        operation="indicatorUpdate",
        target_type="Indicator",
        target_id=indicator.id,
        before=before,
        after=audit.snapshot(indicator),
    )
    return indicator


async def delete_indicator(
    *, session: AsyncSession, actor: Actor, indicator_id: int, row_version: int
) -> Goal:
    indicator = await _editable_indicator(
        session=session,
        actor=actor,
        indicator_id=indicator_id,
        row_version=row_version,
        operation="indicatorDelete",
    )
    before = audit.snapshot(indicator)
    await session.delete(indicator)
    await session.flush()
    await audit.record(
        session=session,
        actor=actor,
        operation="indicatorDelete",
        target_type="Indicator",
        target_id=indicator_id,
        before=before,
        after={},
    )
    return await get_goal(session=session, goal_id=indicator.goal_id)


async def add_indicators_from_templates(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, picks: list[TemplatePick]
) -> list[Indicator]:
    goal = await _editable_goal(
        session=session,
        actor=actor,
        goal_id=goal_id,
        row_version=row_version,
        operation="indicatorAddFromTemplates",
    )
    ids = [p.template_id for p in picks]
    templates = {
        t.id: t
        for t in (
            await session.exec(select(IndicatorTemplate).where(col(IndicatorTemplate.id).in_(ids)))
        ).all()
    }
    siblings = await _siblings(session, goal_id)
    problems: list[FieldProblem] = []
    created: list[Indicator] = []
    order = max((s.sort_order for s in siblings), default=-1)
    for position, pick in enumerate(picks):
        prefix = f"input.items.{position}"
        template = templates.get(pick.template_id)
        if template is None or not template.active or template.fund_type_id not in (None, goal.fund_type_id):
            problems.append(
                FieldProblem(f"{prefix}.templateId", "指标库中没有适用于本险种的该指标", ErrorCode.NOT_FOUND)
            )
            continue
        target = pick.target_value if pick.target_value is not None else template.default_target_value
        values: dict[str, Any] = {
            "level1": template.level1,
            "level2": template.level2,
            "level3": template.level3,
            "kind": template.kind,
            "comparator": template.comparator,
            "unit": template.unit,
            "definition": template.definition,
            "weight": pick.weight,
            "target_value": target if template.kind == IndicatorKind.QUANTITATIVE else None,
            "target_grade": template.default_target_grade
            if template.kind == IndicatorKind.QUALITATIVE
            else None,
        }
        problems += indicator_problems(values, prefix)
        problems += _duplicate_name(siblings + created, template.level3, None, prefix)
        order += 1
        created.append(Indicator(goal_id=goal_id, template_id=template.id, sort_order=order, **values))
    if problems:
        raise ValidationFailed(problems)
    session.add_all(created)
    await session.flush()
    for indicator in created:
        await audit.record(
            session=session,
            actor=actor,
            operation="indicatorAddFromTemplates",
            target_type="Indicator",
            target_id=indicator.id,
            before={},
            after=audit.snapshot(indicator),
        )
    return created
