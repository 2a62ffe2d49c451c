"""Editing the decomposition table (Art. 6): cells set by hand while the goal is a draft, the table frozen
when the goal is issued, and a new version's table started from its predecessor's hand-set cells."""

from collections.abc import Sequence
from decimal import Decimal

from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, GoalDecompositionTarget
from src.models.goal import TARGET_VALUE, decimal_field
from src.services import audit
from src.services.actors import Actor
from src.services.errors import (
    ErrorCode,
    FieldProblem,
    GoalErrorCode,
    InvalidTransition,
    ValidationFailed,
)
from src.services.goals.decomposition import (
    DecompositionTable,
    pooling_regions_below,
    quantitative_indicators,
    stored_cells,
)
from src.services.goals.editing import announce_edit, editable_goal
from src.services.goals.units import target_value_problem


class TargetEntry(SQLModel):
    """One cell given to goalDecompositionUpdate; a None target goes back to the default."""

    indicator_id: int
    region_code: str = Field(max_length=12)
    target_value: Decimal | None = decimal_field(TARGET_VALUE, default=None)


MAX_ENTRIES = 5000  # a whole table: 200 indicators would be far more than any goal has; 21 prefectures


async def update_targets(
    *, session: AsyncSession, actor: Actor, goal_id: int, row_version: int, entries: Sequence[TargetEntry]
) -> Goal:
    """Set or clear cells of a draft province-wide goal's table (the drafting agency, Art. 7)."""
    goal = await editable_goal(
        session=session,
        actor=actor,
        goal_id=goal_id,
        row_version=row_version,
        operation="goalDecompositionUpdate",
    )
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed(
            [FieldProblem("input.targets", f"一次至多修改 {MAX_ENTRIES} 格", ErrorCode.OUT_OF_RANGE)]
        )
    regions = await pooling_regions_below(session, goal)
    if regions is None:
        raise InvalidTransition(
            "该目标不分解下达（统筹地区自身的目标，或由省级统筹的险种），没有分解表",
            current_status=goal.status.value,
            operation="goalDecompositionUpdate",
            code=GoalErrorCode.NOT_DECOMPOSED,
        )
    by_code = {r.code: r for r in regions}
    indicators = {i.id: i for i in await quantitative_indicators(session, goal.id)}
    problems: list[FieldProblem] = []
    seen: set[tuple[int, int]] = set()
    for position, entry in enumerate(entries):
        prefix = f"input.targets.{position}"
        region = by_code.get(entry.region_code)
        if entry.indicator_id not in indicators:
            problems.append(
                FieldProblem(f"{prefix}.indicatorId", "本目标没有该定量指标", ErrorCode.NOT_FOUND)
            )
        if region is None:
            problems.append(
                FieldProblem(f"{prefix}.regionCode", "不是该险种本年度的统筹地区", ErrorCode.NOT_FOUND)
            )
        elif (entry.indicator_id, region.id or 0) in seen:
            problems.append(FieldProblem(f"{prefix}.regionCode", "同一单元格重复填写", ErrorCode.DUPLICATE))
        else:
            seen.add((entry.indicator_id, region.id or 0))
        indicator = indicators.get(entry.indicator_id)
        if indicator is not None and (
            negative := target_value_problem(
                field=f"{prefix}.targetValue",
                unit=indicator.unit,
                comparator=indicator.comparator,
                target=entry.target_value,
            )
        ):
            problems.append(negative)
    if problems:
        raise ValidationFailed(problems)
    async with audit.changing(
        session=session, actor=actor, operation="goalDecompositionUpdate", row=goal
    ) as extra:
        current = {
            (t.indicator_id, t.region_id): t
            for t in (
                await session.exec(
                    select(GoalDecompositionTarget).where(GoalDecompositionTarget.goal_id == goal.id)
                )
            ).all()
        }
        changes: list[dict[str, object]] = []
        for entry in entries:
            region_id = by_code[entry.region_code].id or 0
            row = current.get((entry.indicator_id, region_id))
            if entry.target_value is None:
                if row is not None:
                    await session.delete(row)
            elif row is None:
                assert goal.id is not None
                session.add(
                    GoalDecompositionTarget(
                        goal_id=goal.id,
                        indicator_id=entry.indicator_id,
                        region_id=region_id,
                        target_value=TARGET_VALUE.quantize(entry.target_value),
                    )
                )
            else:
                row.target_value = TARGET_VALUE.quantize(entry.target_value)
                row.row_version += 1
                session.add(row)
            changes.append(
                {
                    "indicator_id": entry.indicator_id,
                    "region": entry.region_code,
                    "target_value": None if entry.target_value is None else str(entry.target_value),
                }
            )
        extra["targets"] = changes
        await session.flush()
    await announce_edit(
        session=session,
        actor=actor,
        goal=goal,
        operation="goalDecompositionUpdate",
        indicatorIds=sorted({entry.indicator_id for entry in entries}),
        regionCodes=sorted({entry.region_code for entry in entries}),
    )
    return goal


async def freeze(session: AsyncSession, table: DecompositionTable) -> None:
    """Issuing keeps the table as issued: every cell becomes a stored row (defaults marked as such)."""
    assert table.goal.id is not None
    stored = await stored_cells(session, table.goal.id)
    for row in table.rows:
        for cell in row.cells:
            if (row.indicator.id, cell.region.id) not in stored and cell.target_value is not None:
                session.add(
                    GoalDecompositionTarget(
                        goal_id=table.goal.id,
                        indicator_id=row.indicator.id or 0,
                        region_id=cell.region.id or 0,
                        target_value=cell.target_value,
                        by_hand=False,
                    )
                )
    await session.flush()


async def copy_table(
    session: AsyncSession, *, source_id: int, target_id: int, indicator_ids: dict[int, int]
) -> None:
    """A new version starts from the cells of its predecessor's table set by hand (keyed by the copied
    indicators); the rest take the defaults again, from the new version's own targets."""
    rows = (
        await session.exec(
            select(GoalDecompositionTarget).where(GoalDecompositionTarget.goal_id == source_id)
        )
    ).all()
    session.add_all(
        [
            GoalDecompositionTarget(
                goal_id=target_id,
                indicator_id=indicator_ids[r.indicator_id],
                region_id=r.region_id,
                target_value=r.target_value,
            )
            for r in rows
            if r.indicator_id in indicator_ids and r.by_hand
        ]
    )
    await session.flush()
