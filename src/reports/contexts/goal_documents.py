"""What the goal table needs besides its context (contexts/goal_table.py): the version of the data a goal's
table is made of, and the goals a batch of tables covers."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, Goal
from src.models.enums import GoalHorizon, GoalStatus
from src.services.actors import Actor
from src.services.goals.reads import GoalQuery, goals_select
from src.subjects.documents import BatchScope

# A batch renders every version that is not superseded: the one in force and one being adjusted.
BATCH_STATUSES: list[GoalStatus] = [s for s in GoalStatus if s != GoalStatus.SUPERSEDED]


async def goal_versions(session: AsyncSession, goals: Sequence[Goal]) -> dict[int, list[Any]]:
    """The version of the data each goal's table is made of, by goal id: the goal (every edit of it, its
    indicators or its table, and its issue, claims it: row_version + 1, updated_at), the budgets of its
    years, which the table shows, and the overall goal whose 总体目标 an annual goal's table prints. Two
    statements for all of them."""
    pairs = sorted({(g.region_id, g.fund_type_id) for g in goals})
    budgets: dict[tuple[int, int, int], list[Any]] = {}
    if pairs:
        scope = tuple_(FundBudget.region_id, FundBudget.fund_type_id)
        for b in (await session.exec(select(FundBudget).where(scope.in_(pairs)))).all():
            budgets[(b.region_id, b.fund_type_id, b.year)] = [b.id, b.row_version, b.updated_at.isoformat()]
    overall_ids = sorted({g.overall_goal_id for g in goals if g.overall_goal_id is not None})
    overall: dict[int, list[Any]] = {}
    if overall_ids:
        stmt = select(Goal.id, Goal.row_version).where(col(Goal.id).in_(overall_ids))
        overall = {
            goal_id or 0: [goal_id, row_version] for goal_id, row_version in (await session.exec(stmt))
        }
    return {
        g.id or 0: [
            g.id,
            g.row_version,
            g.content_revision,
            g.updated_at.isoformat(),
            *[budgets.get((g.region_id, g.fund_type_id, y)) for y in range(g.start_year, g.end_year + 1)],
            overall.get(g.overall_goal_id or 0),
        ]
        for g in goals
    }


async def goal_batch(session: AsyncSession, actor: Actor, scope: BatchScope, limit: int) -> Sequence[Goal]:
    """The annual goals of the batch's fund and year in its region and below that `actor` may read, not
    superseded, by id; at most `limit`."""
    query = GoalQuery(
        year=scope.year,
        fund_type_code=scope.fund_type_code,
        region_code=scope.region_code,
        include_descendants=True,
        statuses=BATCH_STATUSES,
        horizon=GoalHorizon.ANNUAL,
    )
    stmt = goals_select(query, actor).order_by(col(Goal.id)).limit(limit)
    return (await session.exec(stmt)).all()
