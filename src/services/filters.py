"""Read-side filters shared by the API and the jobs: plain inputs in, a SELECT out."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlmodel import col, select

from src.models import FundBudget, FundType, Goal, Organization, Region
from src.models.enums import ActorType, BudgetStatus, GoalHorizon, GoalStatus


def in_region(region_column: Any, region_code: str, include_descendants: bool) -> ColumnElement[bool]:
    """The row's region is `region_code` (or, with include_descendants, any region below it too)."""
    if not include_descendants:
        target = select(Region.id).where(Region.code == region_code).scalar_subquery()
        return region_column == target  # type: ignore[no-any-return]
    base_path = select(Region.path).where(Region.code == region_code).scalar_subquery()
    below = select(Region.id).where(col(Region.path).startswith(base_path, autoescape=False))
    return region_column.in_(below)  # type: ignore[no-any-return]


def fund_type_is(fund_column: Any, fund_type_code: str) -> ColumnElement[bool]:
    return fund_column == select(FundType.id).where(FundType.code == fund_type_code).scalar_subquery()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class GoalQuery:
    year: int | None = None  # goals whose period covers this year
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    statuses: list[GoalStatus] = field(default_factory=list)
    horizon: GoalHorizon | None = None


def goals_select(query: GoalQuery) -> Select[tuple[Goal]]:
    stmt = select(Goal)
    if query.year is not None:
        stmt = stmt.where(col(Goal.start_year) <= query.year, col(Goal.end_year) >= query.year)
    if query.fund_type_code is not None:
        stmt = stmt.where(fund_type_is(Goal.fund_type_id, query.fund_type_code))
    if query.region_code is not None:
        stmt = stmt.where(in_region(Goal.region_id, query.region_code, query.include_descendants))
    if query.statuses:
        stmt = stmt.where(col(Goal.status).in_(query.statuses))
    if query.horizon is not None:
        stmt = stmt.where(Goal.horizon == query.horizon)
    return stmt  # type: ignore[return-value]


@dataclass(frozen=True)
class BudgetQuery:
    year: int | None = None
    fund_type_code: str | None = None
    region_code: str | None = None
    include_descendants: bool = False
    status: BudgetStatus | None = None


def budgets_select(query: BudgetQuery) -> Select[tuple[FundBudget]]:
    stmt = select(FundBudget)
    if query.year is not None:
        stmt = stmt.where(FundBudget.year == query.year)
    if query.fund_type_code is not None:
        stmt = stmt.where(fund_type_is(FundBudget.fund_type_id, query.fund_type_code))
    if query.region_code is not None:
        stmt = stmt.where(in_region(FundBudget.region_id, query.region_code, query.include_descendants))
    if query.status is not None:
        stmt = stmt.where(FundBudget.status == query.status)
    return stmt  # type: ignore[return-value]


@dataclass(frozen=True)
class OrganizationQuery:
    region_code: str | None = None
    include_descendants: bool = False
    actor_type: ActorType | None = None


def organizations_select(query: OrganizationQuery) -> Select[tuple[Organization]]:
    stmt = select(Organization)
    if query.region_code is not None:
        stmt = stmt.where(in_region(Organization.region_id, query.region_code, query.include_descendants))
    if query.actor_type is not None:
        stmt = stmt.where(Organization.actor_type == query.actor_type)
    return stmt  # type: ignore[return-value]
