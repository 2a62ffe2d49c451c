"""分解下达 (Art. 6, 10): a province-wide goal of a fund pooled below the province becomes DRAFT goals of
each pooling region, with the province's indicators; each then passes its own review chain."""

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Indicator, Region
from src.models.enums import GoalHorizon, RegionLevel, label_zh
from src.services.pooling import pooling_level, pooling_region_level

INDICATOR_COPY_EXCLUDE = frozenset({"id", "goal_id", "row_version", "created_at", "updated_at"})


async def copy_indicators(session: AsyncSession, *, source_id: int | None, target_id: int | None) -> None:
    assert source_id is not None and target_id is not None
    rows = (await session.exec(select(Indicator).where(Indicator.goal_id == source_id))).all()
    exclude = set(INDICATOR_COPY_EXCLUDE)
    session.add_all([Indicator(goal_id=target_id, **row.model_dump(exclude=exclude)) for row in rows])
    await session.flush()


async def _pooling_regions(
    session: AsyncSession, goal: Goal, province: Region, fund: FundType
) -> list[Region]:
    """The pooling regions that receive the goal: none when the province pools the fund itself."""
    assert fund.id is not None
    level = pooling_region_level(
        await pooling_level(session=session, fund_type_id=fund.id, year=goal.start_year)
    )
    if level == RegionLevel.PROVINCE:
        return []  # the province is itself the pooling region; prefectures do the work on its goal
    stmt = (
        select(Region)
        .where(Region.parent_id == province.id, Region.level == level)
        .order_by(col(Region.code))
    )
    # A region that already holds a goal for this fund, horizon and period keeps it.
    taken = select(Goal.region_id).where(
        Goal.fund_type_id == fund.id,
        Goal.horizon == goal.horizon,
        Goal.start_year == goal.start_year,
        Goal.end_year == goal.end_year,
    )
    held = set((await session.exec(taken)).all())
    return [r for r in (await session.exec(stmt)).all() if r.id not in held]


async def _overall_goals(session: AsyncSession, goal: Goal, fund_type_id: int) -> dict[int, int]:
    """For an annual goal, each region's overall goal covering its year."""
    if goal.horizon != GoalHorizon.ANNUAL:
        return {}
    stmt = (
        select(Goal.region_id, func.max(Goal.id))
        .where(
            Goal.fund_type_id == fund_type_id,
            Goal.horizon == GoalHorizon.OVERALL,
            col(Goal.start_year) <= goal.start_year,
            col(Goal.end_year) >= goal.start_year,
        )
        .group_by(col(Goal.region_id))
    )
    return {
        region_id: goal_id for region_id, goal_id in (await session.exec(stmt)).all() if goal_id is not None
    }


async def decompose(*, session: AsyncSession, goal: Goal) -> list[Goal]:
    province = await session.get(Region, goal.region_id)
    fund = await session.get(FundType, goal.fund_type_id)
    assert province is not None and fund is not None and fund.id is not None
    if province.level != RegionLevel.PROVINCE:
        return []
    regions = await _pooling_regions(session, goal, province, fund)
    overall_by_region = await _overall_goals(session, goal, fund.id)
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
    ]
    session.add_all(created)
    await session.flush()
    for child in created:
        child.lineage_id = child.id
        await copy_indicators(session, source_id=goal.id, target_id=child.id)
    await session.flush()
    return created
