"""SQL for the scope of rows that carry a region and a fund, as most subjects do."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select

from src.models import FundType, Region
from src.models.enums import Administration


def region_path_of(region_column: Any) -> ColumnElement[str]:
    """The path of the region `region_column` names (a correlated subquery)."""
    return select(Region.path).where(col(Region.id) == region_column).scalar_subquery()


def fund_addressed(fund_column: Any) -> Callable[[Administration], ColumnElement[bool]]:
    """`ColumnTerms.addressed` for a row addressed to its fund's supervising administration."""

    def addressed(administration: Administration) -> ColumnElement[bool]:
        fund = select(FundType.administration).where(col(FundType.id) == fund_column).scalar_subquery()
        return fund == administration.value

    return addressed
