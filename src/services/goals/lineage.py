"""Indicator lineage (Art. 14): one indicator across the versions of its goal.

A copy keeps its original's `lineage_id` (adjustment, a national return's new version, a region's new
version or re-based draft); a new indicator starts its own. A pooling region's inherited indicator has the
region goal's own lineage; the province's lineage it follows is that of its `inherited_from` indicator.
Monitoring actuals and evaluation scores key on lineage, so a figure stays with its indicator from one
version to the next. These reads take no actor: callers have checked the goals are visible.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Indicator


async def indicators_by_lineage(*, session: AsyncSession, goal_id: int) -> dict[uuid.UUID, Indicator]:
    """A goal version's indicators by lineage, in the goal's order."""
    stmt = (
        select(Indicator)
        .where(Indicator.goal_id == goal_id)
        .order_by(col(Indicator.sort_order), col(Indicator.id))
    )
    return {row.lineage_id: row for row in (await session.exec(stmt)).all()}


@dataclass(frozen=True)
class LineageMatch:
    """One indicator lineage in two versions of a goal: None where a version does not have it."""

    lineage_id: uuid.UUID
    earlier: Indicator | None  # None: added in the later version
    later: Indicator | None  # None: removed in the later version


async def match_versions(
    *, session: AsyncSession, earlier_goal_id: int, later_goal_id: int
) -> list[LineageMatch]:
    """The indicators of two versions of one goal, matched by lineage: the later version's in its order,
    then those it no longer has in the earlier version's order."""
    earlier = await indicators_by_lineage(session=session, goal_id=earlier_goal_id)
    later = await indicators_by_lineage(session=session, goal_id=later_goal_id)
    matches = [LineageMatch(key, earlier.get(key), row) for key, row in later.items()]
    return matches + [LineageMatch(key, row, None) for key, row in earlier.items() if key not in later]


async def inherited_lineages(*, session: AsyncSession, goal_id: int) -> dict[uuid.UUID, uuid.UUID]:
    """For a pooling region's goal version: the lineage of each province indicator it inherited → the
    lineage of the region's indicator inherited from it."""
    province = aliased(Indicator)
    stmt = (
        select(province.lineage_id, Indicator.lineage_id)
        .join(province, col(province.id) == Indicator.inherited_from_id)
        .where(Indicator.goal_id == goal_id)
    )
    return dict((await session.exec(stmt)).all())
