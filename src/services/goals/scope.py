"""Where a goal sits for visibility (src/subjects/scope.py): its region, its fund's administration, and
whether it is a draft (not seen from the regions below it) — for one goal, and as SQL over the goal table."""

from sqlalchemy import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope


def goal_record_scope(goal: Goal, region: Region, fund: FundType) -> RecordScope:
    return RecordScope(
        region_id=goal.region_id,
        region_path=region.path,
        fund_type_id=goal.fund_type_id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
        draft=goal.status in policy.DRAFT_STATES,
    )


async def goal_scope(session: AsyncSession, goal: Goal) -> RecordScope:
    region = await kept_row(session, Region, goal.region_id)
    fund = await kept_row(session, FundType, goal.fund_type_id)
    assert region is not None and fund is not None
    return goal_record_scope(goal, region, fund)


def goal_columns() -> ColumnTerms:
    return ColumnTerms(
        region_path=region_path_of(Goal.region_id),
        addressed=fund_addressed(Goal.fund_type_id),
        draft=col(Goal.status).in_(list(policy.DRAFT_STATES)),
    )


def visible_goals_clause(actor: Actor) -> ColumnElement[bool]:
    """The goals `actor` may read, as SQL (policy.visibility)."""
    return policy.visible_clause(actor, goal_columns())
