"""Adding, editing and removing the indicators of a draft goal (Art. 8–9), by hand or from the library."""

from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import field_validator
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Indicator, IndicatorCreate, IndicatorTemplate, IndicatorUpdate
from src.models.enums import IndicatorKind
from src.models.goal import TARGET_VALUE, WEIGHT, as_stored, decimal_field
from src.models.indicator_template import IndicatorDefinition
from src.services import audit
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from src.services.goals.editing import announce_edit, editable_goal, get_goal, visible_goal
from src.services.goals.units import default_aggregation
from src.services.goals.validation import api_name, duplicate_name, indicator_problems, stricter_problems
from src.services.rules import rules_for

# The fields an indicator takes over from the library's template (its own order comes from the goal).
TEMPLATE_FIELDS = frozenset(IndicatorDefinition.model_fields) - {"sort_order"}


class TemplatePick(SQLModel):
    template_id: int
    weight: Decimal = decimal_field(WEIGHT)
    target_value: Decimal | None = decimal_field(TARGET_VALUE, default=None)

    _as_stored = field_validator("target_value", "weight")(as_stored)


def _stripped(values: dict[str, Any]) -> dict[str, Any]:
    # Enum members are str too (StrEnum): they stay members.
    return {k: v.strip() if isinstance(v, str) and not isinstance(v, Enum) else v for k, v in values.items()}


async def siblings(session: AsyncSession, goal_id: int) -> list[Indicator]:
    stmt = (
        select(Indicator)
        .where(Indicator.goal_id == goal_id)
        .order_by(col(Indicator.sort_order), col(Indicator.id))
    )
    return list((await session.exec(stmt)).all())


async def _weight_total(session: AsyncSession, goal: Goal) -> Decimal:
    """The most one indicator may weigh: the region's weight total (Art. 23)."""
    rules = await rules_for(session=session, region_id=goal.region_id)
    total: Decimal = rules.indicator_weight_total
    return total


def _next_order(rows: list[Indicator]) -> int:
    return max((s.sort_order for s in rows), default=-1) + 1


async def reread(session: AsyncSession, rows: list[Indicator]) -> None:
    """Load written rows back from the database (one statement), so a reply shows what was stored."""
    ids = [row.id for row in rows]
    if not ids:
        return
    stmt = select(Indicator).where(col(Indicator.id).in_(ids)).execution_options(populate_existing=True)
    (await session.exec(stmt)).all()


async def create_indicator(
    *, session: AsyncSession, actor: Actor, goal_id: int, data: IndicatorCreate
) -> Indicator:
    goal = await editable_goal(
        session=session, actor=actor, goal_id=goal_id, row_version=None, operation="indicatorCreate"
    )
    values = data.model_dump(exclude={"sort_order"})
    if data.aggregation is None:
        values["aggregation"] = default_aggregation(data.kind, data.unit)
    others = await siblings(session, goal_id)
    total = await _weight_total(session, goal)
    problems = indicator_problems(values, "input", total) + duplicate_name(others, data.level3, None, "input")
    if problems:
        raise ValidationFailed(problems)
    indicator = Indicator(goal_id=goal_id, sort_order=_next_order(others), **_stripped(values))
    await audit.created(
        session=session,
        actor=actor,
        operation="indicatorCreate",
        row=indicator,
        extra={"goal_row_version": goal.row_version},
    )
    await announce_edit(
        session=session, actor=actor, goal=goal, operation="indicatorCreate", indicatorId=indicator.id
    )
    await reread(session, [indicator])
    return indicator


async def _editable_indicator(
    session: AsyncSession, actor: Actor, indicator_id: int, row_version: int, operation: str
) -> Indicator:
    indicator = await session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("绩效指标", indicator_id)
    try:
        await visible_goal(session=session, actor=actor, goal_id=indicator.goal_id)
    except NotFound:
        raise NotFound("绩效指标", indicator_id) from None
    await editable_goal(
        session=session, actor=actor, goal_id=indicator.goal_id, row_version=None, operation=operation
    )
    await claim(session=session, row=indicator, expected_version=row_version)
    return indicator


async def update_indicator(
    *, session: AsyncSession, actor: Actor, indicator_id: int, row_version: int, patch: IndicatorUpdate
) -> Indicator:
    indicator = await _editable_indicator(session, actor, indicator_id, row_version, "indicatorUpdate")
    # A field given as null clears it where it may be empty (the targets); elsewhere null means "keep".
    given = {
        k: v
        for k, v in patch.model_dump(exclude_unset=True).items()
        if v is not None or k.startswith("target_")
    }
    values = {**indicator.model_dump(), **_stripped(given)}
    others = await siblings(session, indicator.goal_id)
    goal = await get_goal(session=session, goal_id=indicator.goal_id)
    problems = indicator_problems(values, "input", await _weight_total(session, goal))
    problems += duplicate_name(others, values["level3"], indicator.id, "input")
    if indicator.inherited_from_id is not None:
        problems += stricter_problems(indicator, {k: values[k] for k in given}, "input")
    if problems:
        raise ValidationFailed(problems)
    fields = [api_name(name) for name in given if getattr(indicator, name) != values[name]]
    async with audit.changing(session=session, actor=actor, operation="indicatorUpdate", row=indicator):
        for name in given:
            setattr(indicator, name, values[name])
    await announce_edit(
        session=session,
        actor=actor,
        goal=goal,
        operation="indicatorUpdate",
        indicatorId=indicator.id,
        fields=fields,
    )
    await reread(session, [indicator])
    return indicator


async def delete_indicator(
    *, session: AsyncSession, actor: Actor, indicator_id: int, row_version: int
) -> Goal:
    indicator = await _editable_indicator(session, actor, indicator_id, row_version, "indicatorDelete")
    if indicator.inherited_from_id is not None:
        raise InvalidTransition(
            "该指标由全省统一的区域目标分解下达，不能删除（可调严指标值，或增加本地区指标）",
            current_status="INHERITED",
            operation="indicatorDelete",
            code=GoalErrorCode.INHERITED_INDICATOR_LOCKED,
        )
    await audit.deleted(session=session, actor=actor, operation="indicatorDelete", row=indicator)
    goal = await get_goal(session=session, goal_id=indicator.goal_id)
    await announce_edit(
        session=session, actor=actor, goal=goal, operation="indicatorDelete", indicatorId=indicator_id
    )
    return goal


def _from_template(template: IndicatorTemplate, pick: TemplatePick) -> dict[str, Any]:
    quantitative = template.kind == IndicatorKind.QUANTITATIVE
    target = pick.target_value if pick.target_value is not None else template.default_target_value
    return {
        **template.model_dump(include=set(TEMPLATE_FIELDS)),
        "weight": pick.weight,
        "target_value": target if quantitative else None,
        "target_grade": None if quantitative else template.default_target_grade,
    }


async def add_indicators_from_templates(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, picks: list[TemplatePick]
) -> list[Indicator]:
    goal = await editable_goal(
        session=session,
        actor=actor,
        goal_id=goal_id,
        row_version=row_version,
        operation="indicatorAddFromTemplates",
    )
    ids = [p.template_id for p in picks]
    found = await session.exec(select(IndicatorTemplate).where(col(IndicatorTemplate.id).in_(ids)))
    templates = {t.id: t for t in found.all()}
    existing = await siblings(session, goal_id)
    total = await _weight_total(session, goal)
    problems: list[FieldProblem] = []
    created: list[Indicator] = []
    order = _next_order(existing)
    for position, pick in enumerate(picks):
        prefix = f"input.items.{position}"
        template = templates.get(pick.template_id)
        if template is None or not template.active or template.fund_type_id not in (None, goal.fund_type_id):
            problems.append(
                FieldProblem(f"{prefix}.templateId", "指标库中没有适用于本险种的该指标", ErrorCode.NOT_FOUND)
            )
            continue
        values = _from_template(template, pick)
        problems += indicator_problems(values, prefix, total)
        problems += duplicate_name(existing + created, template.level3, None, prefix)
        created.append(Indicator(goal_id=goal_id, template_id=template.id, sort_order=order, **values))
        order += 1
    if problems:
        raise ValidationFailed(problems)
    for indicator in created:
        await audit.created(
            session=session, actor=actor, operation="indicatorAddFromTemplates", row=indicator
        )
    added = [indicator.id for indicator in created]
    await announce_edit(
        session=session, actor=actor, goal=goal, operation="indicatorAddFromTemplates", indicatorIds=added
    )
    await reread(session, created)
    return created
