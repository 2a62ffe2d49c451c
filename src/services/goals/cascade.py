"""What issuing a province-wide goal does to the pooling regions' goals (Art. 6, 10, 14).

- Issued (guiding or formal), it is decomposed: a region without a goal gets one (version 1, DRAFT); a region
  whose goal is still being drafted or reviewed has it re-based on this version (back to DRAFT, the tax
  department's concurrence void); a region whose goal is in force gets a new version to rework, while the
  version in force stays in force until its successor is issued. The region keeps its own indicators.
- Inherited indicators carry the province's definition, the region's target from the table, and the link to
  the province's indicator: they are locked (only a stricter target, or a weight, may change).
- Lineage (Art. 14, src/services/goals/lineage.py): the region's own indicators keep theirs; an inherited
  indicator keeps the region's lineage of the one it replaces (inherited from the same province lineage),
  and one the province added starts a new lineage.
- Formally issued, every region goal decomposed from this very version and issued as guiding becomes formal
  in the same transaction (the national review changed nothing); a changed version reaches the regions as
  new versions, above.
"""

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Indicator, Region
from src.models.enums import GoalHorizon, GoalStatus, IndicatorKind, label_zh
from src.services.actors import Actor
from src.services.concurrence import revised
from src.services.goals.decomposition import DecompositionTable
from src.services.goals.decomposition_edits import freeze
from src.services.goals.lineage import inherited_lineages

INDICATOR_COPY_EXCLUDE = frozenset({"id", "goal_id", "row_version", "created_at", "updated_at"})
UNDER_WAY = frozenset(
    {
        GoalStatus.DRAFT,
        GoalStatus.RETURNED,
        GoalStatus.SUBMITTED,
        GoalStatus.PRELIMINARY_REVIEWED,
        GoalStatus.REVIEWED,
    }
)

Log = Callable[[Goal, GoalStatus, str], Awaitable[None]]


async def copy_indicators(
    session: AsyncSession, *, source_id: int | None, target_id: int | None, own_only: bool = False
) -> dict[int, int]:
    """Copy a goal's indicators to another goal, each keeping its lineage; returns old id → new id.
    `own_only` leaves out the ones inherited from the province (a re-decomposition brings them anew)."""
    assert source_id is not None and target_id is not None
    stmt = select(Indicator).where(Indicator.goal_id == source_id).order_by(col(Indicator.sort_order))
    rows = [r for r in (await session.exec(stmt)).all() if not (own_only and r.inherited_from_id)]
    copies = [
        Indicator(goal_id=target_id, **row.model_dump(exclude=set(INDICATOR_COPY_EXCLUDE))) for row in rows
    ]
    session.add_all(copies)
    await session.flush()
    return {row.id or 0: copy.id or 0 for row, copy in zip(rows, copies, strict=True)}


def _inherited(
    table: DecompositionTable,
    region: Region,
    goal_id: int,
    province: list[Indicator],
    lineages: dict[uuid.UUID, uuid.UUID],
) -> list[Indicator]:
    """The region's inherited indicators; `lineages` (province lineage → the region's) keeps the lineage of
    the ones they replace."""
    values = {
        (row.indicator.id, cell.region.id): cell.target_value for row in table.rows for cell in row.cells
    }
    made: list[Indicator] = []
    for order, source in enumerate(province):
        target: Decimal | None = source.target_value
        if source.kind == IndicatorKind.QUANTITATIVE:
            target = values.get((source.id, region.id), source.target_value)
        fields = source.model_dump(exclude=set(INDICATOR_COPY_EXCLUDE) | {"sort_order"})
        fields.update(
            target_value=target,
            assigned_target_value=target,
            assigned_target_grade=source.target_grade,
            inherited_from_id=source.id,
            template_id=source.template_id,
            # Not the province's lineage: the region's indicator has its own across the region's versions.
            lineage_id=lineages.get(source.lineage_id) or uuid.uuid4(),
        )
        made.append(Indicator(goal_id=goal_id, sort_order=order, **fields))
    return made


async def _latest_by_region(session: AsyncSession, goal: Goal) -> dict[int, Goal]:
    """Each region's newest goal version of the same fund, horizon and period."""
    stmt = (
        select(Goal)
        .where(
            Goal.fund_type_id == goal.fund_type_id,
            Goal.horizon == goal.horizon,
            Goal.start_year == goal.start_year,
            Goal.end_year == goal.end_year,
            Goal.region_id != goal.region_id,
        )
        .order_by(col(Goal.version))
    )
    return {g.region_id: g for g in (await session.exec(stmt)).all()}


async def _overall_goals(session: AsyncSession, goal: Goal) -> dict[int, int]:
    """For an annual goal, each region's overall goal in force or under way covering its year."""
    if goal.horizon != GoalHorizon.ANNUAL:
        return {}
    stmt = (
        select(Goal.region_id, Goal.id)
        .where(
            Goal.fund_type_id == goal.fund_type_id,
            Goal.horizon == GoalHorizon.OVERALL,
            col(Goal.start_year) <= goal.start_year,
            col(Goal.end_year) >= goal.start_year,
            Goal.status != GoalStatus.SUPERSEDED,
        )
        .order_by(col(Goal.version))
    )
    return {
        region_id: goal_id for region_id, goal_id in (await session.exec(stmt)).all() if goal_id is not None
    }


async def decompose(
    *, session: AsyncSession, actor: Actor, goal: Goal, table: DecompositionTable, log: Log
) -> list[Goal]:
    """Hand the issued province-wide goal down to every pooling region (see the module's docstring)."""
    await freeze(session, table)
    fund = await session.get(FundType, goal.fund_type_id)
    assert fund is not None and goal.id is not None
    province_indicators = list(
        (
            await session.exec(
                select(Indicator).where(Indicator.goal_id == goal.id).order_by(col(Indicator.sort_order))
            )
        ).all()
    )
    latest = await _latest_by_region(session, goal)
    overall = await _overall_goals(session, goal)
    period = (
        f"{goal.start_year}年"
        if goal.horizon == GoalHorizon.ANNUAL
        else f"{goal.start_year}—{goal.end_year}年"
    )
    touched: list[Goal] = []
    for region in table.regions:
        assert region.id is not None
        current = latest.get(region.id)
        if current is not None and current.parent_goal_id == goal.id:
            continue  # already decomposed from this version (guiding, now formal)
        lineages: dict[uuid.UUID, uuid.UUID] = {}
        if current is not None:
            assert current.id is not None
            lineages = await inherited_lineages(session=session, goal_id=current.id)
        if current is None:
            child = Goal(
                title=f"{region.name}{period}{fund.name_zh}预算绩效{label_zh(goal.horizon)}",
                content=goal.content,
                horizon=goal.horizon,
                start_year=goal.start_year,
                end_year=goal.end_year,
                fund_type_id=goal.fund_type_id,
                region_id=region.id,
                parent_goal_id=goal.id,
                overall_goal_id=overall.get(region.id),
            )
            session.add(child)
            await session.flush()
            await log(child, GoalStatus.DRAFT, f"由全省目标（第 {goal.version} 版）分解下达")
        elif current.status in UNDER_WAY:
            child = current
            before = child.status
            await _drop_inherited(session, child)
            child.parent_goal_id = goal.id
            child.status = GoalStatus.DRAFT
            revised(child)  # the tax department's concurrence was on the old targets
            child.row_version += 1
            session.add(child)
            await session.flush()
            await log(child, before, f"全省目标第 {goal.version} 版下达，按新的分解表重新编制")
        else:  # in force (guiding or formal): a new version; the one in force stays until it is issued
            child = Goal(
                **current.model_dump(
                    include={"title", "content", "horizon", "start_year", "end_year", "fund_type_id"}
                ),
                region_id=region.id,
                lineage_id=current.lineage_id,
                version=current.version + 1,
                previous_version_id=current.id,
                parent_goal_id=goal.id,
                overall_goal_id=overall.get(region.id, current.overall_goal_id),
                adjustment_reason=f"全省目标第 {goal.version} 版下达，重新分解",
            )
            session.add(child)
            await session.flush()
            await copy_indicators(session, source_id=current.id, target_id=child.id, own_only=True)
            await log(
                child,
                current.status,
                f"全省目标第 {goal.version} 版下达，形成第 {child.version} 版待重新编制",
            )
        assert child.id is not None
        inherited = _inherited(table, region, child.id, province_indicators, lineages)
        await _renumber_own(session, child.id, start=len(inherited))
        session.add_all(inherited)
        await session.flush()
        touched.append(child)
    return touched


async def _drop_inherited(session: AsyncSession, goal: Goal) -> None:
    stmt = select(Indicator).where(
        Indicator.goal_id == goal.id, col(Indicator.inherited_from_id).is_not(None)
    )
    for row in (await session.exec(stmt)).all():
        await session.delete(row)
    await session.flush()


async def _renumber_own(session: AsyncSession, goal_id: int, *, start: int) -> None:
    """The region's own indicators follow the inherited ones."""
    stmt = select(Indicator).where(Indicator.goal_id == goal_id).order_by(col(Indicator.sort_order))
    for offset, row in enumerate((await session.exec(stmt)).all()):
        row.sort_order = start + offset
        session.add(row)


async def formalize_children(session: AsyncSession, goal: Goal, log: Log) -> list[Goal]:
    """The province-wide goal is formally issued: its guiding children become formal with it (Art. 10)."""
    stmt = select(Goal).where(Goal.parent_goal_id == goal.id, Goal.status == GoalStatus.ISSUED_GUIDING)
    children = list((await session.exec(stmt)).all())
    for child in children:
        child.status = GoalStatus.ISSUED
        child.row_version += 1
        session.add(child)
        await session.flush()
        await log(child, GoalStatus.ISSUED_GUIDING, "全省目标经国家相关部门审核后正式下达，随之转为正式下达")
    return children


async def parent_is_formal(session: AsyncSession, goal: Goal) -> bool:
    """A region's goal is formally issued only after the province-wide goal it comes from (Art. 10)."""
    if goal.parent_goal_id is None:
        return True
    parent = await session.get(Goal, goal.parent_goal_id)
    return parent is not None and parent.status == GoalStatus.ISSUED
