"""Reading goals: the same visibility-aware select serves the API, the document worker and the events."""

from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import Goal
from src.models.enums import GoalHorizon, GoalStatus
from src.services.actors import Actor
from src.services.filters import narrow
from src.services.goals.scope import visible_goals_clause


@dataclass(frozen=True)
class GoalQuery:
    year: int | None = None  # goals whose period covers this year
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    statuses: list[GoalStatus] = field(default_factory=list)
    horizon: GoalHorizon | None = None


def goals_select(query: GoalQuery, actor: Actor) -> SelectOfScalar[Goal]:
    """The goals matching `query` that `actor` may read (policy.visibility)."""
    stmt = select(Goal).where(visible_goals_clause(actor))
    if query.year is not None:
        stmt = stmt.where(col(Goal.start_year) <= query.year, col(Goal.end_year) >= query.year)
    if query.statuses:
        stmt = stmt.where(col(Goal.status).in_(query.statuses))
    if query.horizon is not None:
        stmt = stmt.where(Goal.horizon == query.horizon)
    return narrow(stmt, query, region_column=Goal.region_id, fund_column=Goal.fund_type_id)
