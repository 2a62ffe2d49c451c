"""The annual goal in force on 31 December of the year evaluated (Art. 15 「依据设定的绩效目标」): read from
the goal's transitions, not from its status now — a version adjusted in the next spring (Art. 14) was still
the goal the year ran on, and a version issued only in January was not.

A version was in force at the year's end when its last transition up to 31 December 24:00 in China put it
in an issued state (guiding or formal, Art. 10). A version with no transition on record at all (loaded, not
worked through the workflow) counts by its status and its issue date. Of several, the newest version.
"""

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, GoalTransition
from src.models.enums import GoalHorizon, GoalStatus
from src.services import policy
from src.services.deadlines.items import CHINA

WERE_IN_FORCE = frozenset({*policy.ISSUED_STATES, GoalStatus.SUPERSEDED})


def year_end(year: int) -> datetime:
    """The first moment after 31 December of `year` in China (an aware datetime)."""
    return datetime(year, 12, 31, tzinfo=CHINA) + timedelta(days=1)


async def goal_in_force_at_year_end(
    session: AsyncSession, *, region_id: int, fund_type_id: int, year: int
) -> Goal | None:
    """The annual goal version of the region's fund in force on 31 December of `year` (module docstring)."""
    stmt = select(Goal).where(
        Goal.region_id == region_id,
        Goal.fund_type_id == fund_type_id,
        Goal.horizon == GoalHorizon.ANNUAL,
        Goal.start_year == year,
    )
    goals = {g.id: g for g in (await session.exec(stmt.order_by(col(Goal.version).desc()))).all()}
    if not goals:
        return None
    end = year_end(year)
    transitions = select(GoalTransition).where(col(GoalTransition.goal_id).in_(list(goals)))
    last: dict[int, GoalTransition] = {}
    any_step: set[int] = set()
    for step in (await session.exec(transitions.order_by(col(GoalTransition.id)))).all():
        any_step.add(step.goal_id)
        if step.at < end:
            last[step.goal_id] = step
    for goal_id, goal in goals.items():  # newest version first
        assert goal_id is not None
        if goal_id in any_step:
            final = last.get(goal_id)
            if final is not None and final.to_status in policy.ISSUED_STATES:
                return goal
        elif goal.status in WERE_IN_FORCE and (goal.issued_at is None or goal.issued_at < end):
            return goal
    return None
