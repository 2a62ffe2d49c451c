"""A page of the goals list in one statement: each goal joined with its region and fund type.

The joined rows prime the request's region and fund loaders, so the page's `region` and `fundType`
fields answer at once (conversion.related) instead of two more statements and an awaited load per goal;
the visibility rule (visible_goals_clause) already stands in the page's statement.
"""

from collections.abc import Awaitable, Callable, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Region
from src.schema.context import Info
from src.schema.funds.loaders import fund_type_by_id
from src.schema.loaders import prime
from src.schema.regions.loaders import region_by_id

_GOAL: Table = Goal.__table__  # type: ignore[attr-defined]
_REGION: Table = Region.__table__  # type: ignore[attr-defined]
_FUND: Table = FundType.__table__  # type: ignore[attr-defined]
_REGION_PREFIX, _FUND_PREFIX = "page_region_", "page_fund_"


def _part(row: Any, table: Table, prefix: str) -> SimpleNamespace:
    """The joined table's columns of `row`, named like its model's fields (as the loaders' rows are)."""
    mapping = row._mapping
    return SimpleNamespace(**{c.name: mapping[prefix + c.name] for c in table.columns})


def goal_page_fetcher(info: Info) -> Callable[[AsyncSession, Any], Awaitable[Sequence[Any]]]:
    """For paginate(fetch=...): a page of `select(Goal)` with regions and funds, priming their loaders."""

    async def fetch(session: AsyncSession, stmt: Any) -> Sequence[Any]:
        region, fund = _REGION.alias("page_region"), _FUND.alias("page_fund")
        joined = (
            stmt.with_only_columns(
                *_GOAL.columns,
                *(c.label(_REGION_PREFIX + c.name) for c in region.columns),
                *(c.label(_FUND_PREFIX + c.name) for c in fund.columns),
            )
            .join_from(_GOAL, region, region.c.id == _GOAL.c.region_id)
            .join(fund, fund.c.id == _GOAL.c.fund_type_id)
        )
        connection = await session.connection()
        rows = (await connection.execute(joined)).all()
        # One part per region and fund, not per goal: a page's goals share a few of each.
        regions: dict[int, SimpleNamespace] = {}
        funds: dict[int, SimpleNamespace] = {}
        for row in rows:
            if row.region_id not in regions:
                regions[row.region_id] = _part(row, _REGION, _REGION_PREFIX)
            if row.fund_type_id not in funds:
                funds[row.fund_type_id] = _part(row, _FUND, _FUND_PREFIX)
        loaders = info.context.loaders
        prime(loaders[region_by_id], regions)
        prime(loaders[fund_type_by_id], funds)
        return rows

    return fetch
