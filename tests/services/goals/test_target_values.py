"""Art. 9: a target value is refused where it is entered when its unit and comparator do not allow a
negative one — a new indicator, an edit, a pick from the library, an inherited indicator's stricter target,
a cell of the decomposition table — and nothing is stored then. On SQLite and PostgreSQL."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    AuditEvent,
    Goal,
    GoalDecompositionTarget,
    Indicator,
    IndicatorCreate,
    IndicatorTemplate,
    IndicatorUpdate,
)
from src.models.enums import (
    ActorType,
    Administration,
    Comparator,
    IndicatorCategory,
    IndicatorKind,
)
from src.seed.reference import load_reference_data
from src.services.actors import Actor, load_actor
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.goals.decomposition_edits import TargetEntry, update_targets
from src.services.goals.indicators import (
    TemplatePick,
    add_indicators_from_templates,
    create_indicator,
    update_indicator,
)
from tests.factories import make_goal, make_user

MED = Administration.MEDICAL_SECURITY
PROVINCE, CHENGDU = "510000", "510100"


@dataclass
class Draft:
    """A province-wide 2027 draft of a prefecture-pooled fund (employee medical) and its agency."""

    goal_id: int
    agency: Actor


async def _agency(sessionmaker: async_sessionmaker[AsyncSession], region_code: str) -> Actor:
    user = await make_user(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=region_code, administration=MED
    )
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user.id or 0)
    assert actor is not None
    return actor


@pytest.fixture
async def draft(sessionmaker: async_sessionmaker[AsyncSession]) -> Draft:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        goal = await make_goal(session, region_code=PROVINCE, year=2027, indicators=2)
        await session.commit()
    return Draft(goal_id=goal.id or 0, agency=await _agency(sessionmaker, PROVINCE))


async def _stored(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Everything a refused edit could have changed."""
    async with sessionmaker() as session:
        goals = (await session.exec(select(Goal).order_by(col(Goal.id)))).all()
        indicators = (await session.exec(select(Indicator).order_by(col(Indicator.id)))).all()
        cells = (await session.exec(select(GoalDecompositionTarget))).all()
        events = (await session.exec(select(func.count()).select_from(AuditEvent))).one()
        return {
            "goals": [g.model_dump() for g in goals],
            "indicators": [i.model_dump() for i in indicators],
            "cells": [c.model_dump() for c in cells],
            "events": events,
        }


def _new(unit: str, comparator: Comparator, target: str, level3: str = "新增指标") -> IndicatorCreate:
    return IndicatorCreate(
        level1=IndicatorCategory.OUTPUT,
        level2="数量",
        level3=level3,
        kind=IndicatorKind.QUANTITATIVE,
        comparator=comparator,
        unit=unit,
        weight=Decimal(5),
        target_value=Decimal(target),
    )


async def _create(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft, data: IndicatorCreate
) -> Indicator:
    async with sessionmaker() as session:
        indicator = await create_indicator(
            session=session, actor=draft.agency, goal_id=draft.goal_id, data=data
        )
        await session.commit()
        return indicator


async def _refused_create(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft, data: IndicatorCreate
) -> list[FieldProblem]:
    before = await _stored(sessionmaker)
    async with sessionmaker() as session:
        with pytest.raises(ValidationFailed) as refused:
            await create_indicator(session=session, actor=draft.agency, goal_id=draft.goal_id, data=data)
    assert await _stored(sessionmaker) == before
    return refused.value.problems


def _out_of_range(field: str, message: str) -> list[FieldProblem]:
    return [FieldProblem(field, message, ErrorCode.OUT_OF_RANGE)]


async def test_art9_percent_target_with_at_least_is_not_negative(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    problems = await _refused_create(sessionmaker, draft, _new("%", Comparator.GE, "-5"))
    assert problems == _out_of_range(
        "input.targetValue",
        "百分比类指标（单位“%”）的目标值不能为负数，指标性质为“≤”时除外（如支出增长率 ≤ -2%）",
    )


async def test_art9_percent_target_with_at_most_may_be_negative(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    created = await _create(sessionmaker, draft, _new("%", Comparator.LE, "-2", "基金支出增长率"))
    async with sessionmaker() as session:
        row = await session.get(Indicator, created.id)
    assert row is not None and row.target_value == Decimal("-2")


@pytest.mark.parametrize("comparator", [Comparator.GE, Comparator.LE, Comparator.EQ])
async def test_art9_count_target_is_not_negative(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft, comparator: Comparator
) -> None:
    problems = await _refused_create(sessionmaker, draft, _new("人次", comparator, "-1"))
    assert problems == _out_of_range("input.targetValue", "数量类指标（单位“人次”）的目标值不能为负数")


async def test_art9_amount_target_is_not_negative(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    problems = await _refused_create(sessionmaker, draft, _new("万元", Comparator.LE, "-100"))
    assert problems == _out_of_range("input.targetValue", "金额类指标（单位“万元”）的目标值不能为负数")


async def test_art9_duration_target_is_not_negative(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    problems = await _refused_create(sessionmaker, draft, _new("工作日", Comparator.LE, "-0.5"))
    assert problems == _out_of_range("input.targetValue", "时长类指标（单位“工作日”）的目标值不能为负数")


@pytest.mark.parametrize(("unit", "comparator"), [("万人", Comparator.GE), ("工作日", Comparator.LE)])
async def test_art9_zero_target_is_accepted(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft, unit: str, comparator: Comparator
) -> None:
    created = await _create(sessionmaker, draft, _new(unit, comparator, "0"))
    assert created.target_value == Decimal(0)


async def test_art9_an_edit_is_checked_with_the_comparator_it_leaves(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    created = await _create(sessionmaker, draft, _new("%", Comparator.LE, "-2", "基金支出增长率"))

    async def update(version: int, **patch: Any) -> Indicator:
        async with sessionmaker() as session:
            row = await update_indicator(
                session=session,
                actor=draft.agency,
                indicator_id=created.id or 0,
                row_version=version,
                patch=IndicatorUpdate(**patch),
            )
            await session.commit()
            return row

    before = await _stored(sessionmaker)
    for patch in (
        {"comparator": Comparator.GE},
        {"unit": "万元"},
        {"target_value": Decimal(-1), "unit": "件"},
    ):
        with pytest.raises(ValidationFailed) as refused:
            await update(1, **patch)
        assert [(p.field, p.code) for p in refused.value.problems] == [
            ("input.targetValue", ErrorCode.OUT_OF_RANGE)
        ]
    assert await _stored(sessionmaker) == before
    assert (await update(1, target_value=Decimal("-3.5"))).target_value == Decimal("-3.5")
    assert (await update(2, comparator=Comparator.GE, target_value=Decimal(3))).comparator == Comparator.GE


async def test_art9_a_library_pick_is_checked_like_a_new_indicator(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    async with sessionmaker() as session:
        template = (
            await session.exec(select(IndicatorTemplate).where(IndicatorTemplate.key == "COMMON:参保人数"))
        ).one()
        goal = await session.get(Goal, draft.goal_id)
    assert goal is not None and (template.unit, template.comparator) == ("万人", Comparator.GE)
    picks = [TemplatePick(template_id=template.id or 0, weight=Decimal(1), target_value=Decimal(-10))]
    before = await _stored(sessionmaker)
    async with sessionmaker() as session:
        with pytest.raises(ValidationFailed) as refused:
            await add_indicators_from_templates(
                session=session,
                actor=draft.agency,
                goal_id=draft.goal_id,
                row_version=goal.row_version,
                picks=picks,
            )
    assert refused.value.problems == _out_of_range(
        "input.items.0.targetValue", "数量类指标（单位“万人”）的目标值不能为负数"
    )
    assert await _stored(sessionmaker) == before


async def test_art9_an_inherited_target_made_stricter_is_still_not_negative(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    """Art. 6: a pooling region may only make a decomposed target stricter; for a ≤ count (科目调整次数 ≤ 10)
    stricter means lower, but never below zero. A ≤ percentage may go below zero."""
    async with sessionmaker() as session:
        child = await make_goal(
            session, region_code=CHENGDU, year=2027, parent_goal_id=draft.goal_id, indicators=0
        )
        given = {"次": Decimal(10), "%": Decimal(5)}
        inherited = {
            unit: Indicator(
                goal_id=child.id or 0,
                level1=IndicatorCategory.PROCESS,
                level2="基金预算管理",
                level3=f"由省分解的指标（{unit}）",
                kind=IndicatorKind.QUANTITATIVE,
                comparator=Comparator.LE,
                unit=unit,
                weight=Decimal(50),
                target_value=target,
                assigned_target_value=target,
                inherited_from_id=None,
            )
            for unit, target in given.items()
        }
        province = (await session.exec(select(Indicator).where(Indicator.goal_id == draft.goal_id))).first()
        assert province is not None
        for row in inherited.values():
            row.inherited_from_id = province.id
            session.add(row)
        await session.commit()
        ids = {unit: row.id or 0 for unit, row in inherited.items()}
    chengdu = await _agency(sessionmaker, CHENGDU)

    async def update(unit: str, target: str) -> Indicator:
        async with sessionmaker() as session:
            row = await update_indicator(
                session=session,
                actor=chengdu,
                indicator_id=ids[unit],
                row_version=1,
                patch=IndicatorUpdate(target_value=Decimal(target)),
            )
            await session.commit()
            return row

    before = await _stored(sessionmaker)
    with pytest.raises(ValidationFailed) as refused:
        await update("次", "-1")
    assert refused.value.problems == _out_of_range(
        "input.targetValue", "数量类指标（单位“次”）的目标值不能为负数"
    )
    assert await _stored(sessionmaker) == before
    assert (await update("%", "-1")).target_value == Decimal(-1)


async def test_art9_decomposition_cell_is_checked_with_its_indicator(
    sessionmaker: async_sessionmaker[AsyncSession], draft: Draft
) -> None:
    count = await _create(sessionmaker, draft, _new("万人", Comparator.GE, "1000", "年末参保人数"))
    growth = await _create(sessionmaker, draft, _new("%", Comparator.LE, "-2", "基金支出增长率"))

    async def cells(version: int, *entries: tuple[Indicator, str]) -> Goal:
        targets = [
            TargetEntry(indicator_id=indicator.id or 0, region_code=CHENGDU, target_value=Decimal(value))
            for indicator, value in entries
        ]
        async with sessionmaker() as session:
            goal = await update_targets(
                session=session,
                actor=draft.agency,
                goal_id=draft.goal_id,
                row_version=version,
                entries=targets,
            )
            await session.commit()
            return goal

    async with sessionmaker() as session:
        goal = await session.get(Goal, draft.goal_id)
    assert goal is not None
    before = await _stored(sessionmaker)
    with pytest.raises(ValidationFailed) as refused:
        await cells(goal.row_version, (growth, "-3"), (count, "-5"))
    assert refused.value.problems == _out_of_range(
        "input.targets.1.targetValue", "数量类指标（单位“万人”）的目标值不能为负数"
    )
    assert await _stored(sessionmaker) == before
    await cells(goal.row_version, (growth, "-3"), (count, "0"))
    async with sessionmaker() as session:
        stored = {
            c.indicator_id: c.target_value
            for c in (await session.exec(select(GoalDecompositionTarget))).all()
        }
    assert stored == {growth.id: Decimal(-3), count.id: Decimal(0)}
