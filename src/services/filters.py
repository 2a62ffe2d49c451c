"""Column predicates shared by the read selects of every domain."""

from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from src.models import FundType, Region

S = TypeVar("S", bound=SelectOfScalar[Any])


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


class Scoped(Protocol):
    """A read query's fund and region part (GoalQuery, BudgetQuery, ...)."""

    @property
    def fund_type_code(self) -> str | None: ...
    @property
    def region_code(self) -> str | None: ...
    @property
    def include_descendants(self) -> bool: ...


def narrow(stmt: S, query: Scoped, *, region_column: Any, fund_column: Any) -> S:
    """`stmt` limited to the query's fund and region (with its descendants when asked)."""
    if query.fund_type_code is not None:
        stmt = stmt.where(fund_type_is(fund_column, query.fund_type_code))
    if query.region_code is not None:
        stmt = stmt.where(in_region(region_column, query.region_code, query.include_descendants))
    return stmt
