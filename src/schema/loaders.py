"""DataLoaders, built fresh for every request so caches never outlive it.

Each batch opens its own short session: resolvers run concurrently, and a session must not be shared
between concurrent tasks.
"""

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, func, or_, tuple_
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from src.models import (
    FundBudget,
    FundBudgetLine,
    FundType,
    Goal,
    GoalTaxOpinion,
    GoalTransition,
    Indicator,
    Organization,
    PoolingArrangement,
    Region,
    User,
)
from src.models.enums import RegionLevel
from src.schema.execution import TURN_TAKING_LOOP, take_turns

M = TypeVar("M", bound=SQLModel)
K = TypeVar("K", bound=Hashable)

Sessionmaker = async_sessionmaker[AsyncSession]

# The most rows a one-to-many loader returns for one key (the list fields declare the same numbers with
# cost.max_items, so the query cost limit counts them): bounded in SQL, whatever the table holds.
INDICATORS_PER_GOAL = 200
CHILD_GOALS_PER_GOAL = 300
ANNUAL_GOALS_PER_OVERALL_GOAL = 100
VERSIONS_PER_GOAL = 50  # the newest 50
TRANSITIONS_PER_GOAL = 500  # the newest 500
TAX_OPINIONS_PER_GOAL = 100  # the newest 100
REGIONS_PER_DECOMPOSITION = 200  # the pooling regions of one province (21 prefectures; 183 counties)
USERS_PER_ORGANIZATION = 100
CHILDREN_PER_REGION = 100
DESCENDANTS_PER_REGION = 500  # a province's prefectures and counties (Sichuan: 204)
ANCESTORS_PER_REGION = 3  # province, prefecture, county
ROWS_PER_TURN = 2000


async def fetch_rows(session: AsyncSession, stmt: Any, model: type[M]) -> Sequence[M]:
    """Runs `select(model)...` as plain rows named like the model's fields, not ORM objects.

    Reads need no identity map or change tracking, and skipping them makes bulk reads about twice as
    cheap. The rows are read-only; they are typed as the model because they answer the same attributes.
    """
    columns = stmt.with_only_columns(*model.__table__.columns)  # type: ignore[attr-defined]
    return cast(Sequence[M], await _all_rows(session, columns))


async def _all_rows(session: AsyncSession, stmt: Any) -> list[Any]:
    """The rows of `stmt`, converted (enums, decimals) a few thousand at a time, taking turns with the rest
    of the server in between: tens of thousands of rows would otherwise hold the event loop for long."""
    connection = await session.connection()
    result = await connection.execute(stmt)
    rows: list[Any] = []
    for partition in result.partitions(ROWS_PER_TURN):
        rows.extend(partition)
        await take_turns()
    return rows


def prime(loader: DataLoader[K, Any], values: Mapping[K, Any]) -> None:
    """DataLoader.prime for loaders on TURN_TAKING_LOOP (strawberry's makes its futures on `loader.loop`,
    which is not an event loop here): the next load of these keys reads nothing."""
    loop = asyncio.get_running_loop()
    for key, value in values.items():
        future = loop.create_future()
        future.set_result(value)
        loader.cache_map.set(key, future)


def one_by(sessionmaker: Sessionmaker, model: type[M], column: Any) -> DataLoader[Any, M | None]:
    """Loads single rows by a unique column; unknown keys give None."""

    async def load(keys: list[Any]) -> Sequence[M | None]:
        async with sessionmaker() as session:
            rows = await fetch_rows(session, select(model).where(column.in_(keys)), model)
        found = {getattr(row, column.key): row for row in rows}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


def first_per_key(
    model: type[SQLModel], where: Any, column: Any, order_by: Sequence[Any], limit: int, *, newest: bool
) -> Select[Any]:
    """The rows matching `where`, at most `limit` per value of `column` (the first ones in `order_by`, or
    the last ones when `newest`), in `order_by` order; named like the model's fields (like fetch_rows)."""
    table = model.__table__  # type: ignore[attr-defined]
    rank_order = [o.desc() for o in order_by] if newest else list(order_by)
    rank = func.row_number().over(partition_by=column, order_by=rank_order).label("_rank")
    ranked = sa.select(*table.columns, rank).where(where).subquery()
    return (
        sa.select(*(ranked.c[c.name] for c in table.columns))
        .where(ranked.c["_rank"] <= limit)
        .order_by(*(ranked.c[o.key] for o in order_by))
    )


def many_by(
    sessionmaker: Sessionmaker,
    model: type[M],
    column: Any,
    order_by: Sequence[Any] = (),
    *,
    limit: int | None = None,
    newest: bool = False,
) -> DataLoader[Any, list[M]]:
    """Loads the rows that point at each key (a one-to-many relation), in a stable order; with `limit`, at
    most that many per key: the first ones in `order_by`, or the last ones when `newest`."""

    async def load(keys: list[Any]) -> Sequence[list[M]]:
        async with sessionmaker() as session:
            if limit is None:
                stmt = select(model).where(column.in_(keys)).order_by(*order_by)
                rows = await fetch_rows(session, stmt, model)
            else:
                limited = first_per_key(model, column.in_(keys), column, order_by, limit, newest=newest)
                rows = cast(Sequence[M], await _all_rows(session, limited))
        grouped: dict[Any, list[M]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, column.key)].append(row)
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


def many_by_tuple(
    sessionmaker: Sessionmaker,
    model: type[M],
    columns: Sequence[Any],
    order_by: Sequence[Any] = (),
) -> DataLoader[tuple[Any, ...], list[M]]:
    """Like many_by, keyed by a tuple of columns (e.g. fund type × year)."""

    async def load(keys: list[tuple[Any, ...]]) -> Sequence[list[M]]:
        stmt = select(model).where(tuple_(*columns).in_(keys)).order_by(*order_by)
        async with sessionmaker() as session:
            rows = await fetch_rows(session, stmt, model)
        grouped: dict[tuple[Any, ...], list[M]] = defaultdict(list)
        for row in rows:
            grouped[tuple(getattr(row, c.key) for c in columns)].append(row)
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


DescendantKey = tuple[str, RegionLevel | None]


def descendants_loader(
    sessionmaker: Sessionmaker, limit: int = DESCENDANTS_PER_REGION
) -> DataLoader[DescendantKey, list[Region]]:
    """Regions below a path (optionally of one level), all keys in one statement; at most `limit` a key
    (regions are reference data: the statement reads no more than the table's few thousand rows)."""

    async def load(keys: list[DescendantKey]) -> Sequence[list[Region]]:
        conditions: list[ColumnElement[bool]] = []
        for path, level in keys:
            condition: ColumnElement[bool] = col(Region.path).like(f"{path}%") & (col(Region.path) != path)
            if level is not None:
                condition = condition & (col(Region.level) == level)
            conditions.append(condition)
        stmt = select(Region).where(or_(*conditions)).order_by(col(Region.code))
        async with sessionmaker() as session:
            rows = await fetch_rows(session, stmt, Region)
        return [
            [r for r in rows if r.path.startswith(path) and r.path != path and level in (None, r.level)][
                :limit
            ]
            for path, level in keys
        ]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


def totals_by(sessionmaker: Sessionmaker, column: Any, value: Any) -> DataLoader[Any, Decimal]:
    """The sum of `value` over the rows that point at each key (0.00 for none), all keys in one statement."""

    async def load(keys: list[Any]) -> Sequence[Decimal]:
        stmt = select(column, func.sum(value)).where(column.in_(keys)).group_by(column)
        async with sessionmaker() as session:
            connection = await session.connection()
            totals = {key: total for key, total in (await connection.execute(stmt)).all()}
        return [totals.get(key) or Decimal("0.00") for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


@dataclass
class Loaders:
    region: DataLoader[int, Region | None]
    region_by_code: DataLoader[str, Region | None]
    region_children: DataLoader[int, list[Region]]
    region_descendants: DataLoader[DescendantKey, list[Region]]
    fund_type: DataLoader[int, FundType | None]
    pooling_by_fund_year: DataLoader[tuple[int, int], list[PoolingArrangement]]
    goal: DataLoader[int, Goal | None]
    goals_by_overall: DataLoader[int, list[Goal]]
    goals_by_parent: DataLoader[int, list[Goal]]
    indicators_by_goal: DataLoader[int, list[Indicator]]
    indicator_weight_total: DataLoader[int, Decimal]
    budget_lines: DataLoader[int, list[FundBudgetLine]]
    budgets_by_scope: DataLoader[tuple[int, int, int], list[FundBudget]]
    organization: DataLoader[int, Organization | None]
    users_by_organization: DataLoader[int, list[User]]
    user: DataLoader[int, User | None]
    transitions_by_goal: DataLoader[int, list[GoalTransition]]
    goals_by_lineage: DataLoader[uuid.UUID, list[Goal]]
    tax_opinions_by_goal: DataLoader[int, list[GoalTaxOpinion]]


def build_loaders(sessionmaker: Sessionmaker) -> Loaders:
    s = sessionmaker
    return Loaders(
        region=one_by(s, Region, Region.id),
        region_by_code=one_by(s, Region, Region.code),
        region_children=many_by(s, Region, Region.parent_id, [Region.code], limit=CHILDREN_PER_REGION),
        region_descendants=descendants_loader(s),
        fund_type=one_by(s, FundType, FundType.id),
        pooling_by_fund_year=many_by_tuple(
            s,
            PoolingArrangement,
            [PoolingArrangement.fund_type_id, PoolingArrangement.year],
        ),
        goal=one_by(s, Goal, Goal.id),
        goals_by_overall=many_by(
            s,
            Goal,
            Goal.overall_goal_id,
            [Goal.start_year, Goal.id],
            limit=ANNUAL_GOALS_PER_OVERALL_GOAL,
        ),
        goals_by_parent=many_by(s, Goal, Goal.parent_goal_id, [Goal.id], limit=CHILD_GOALS_PER_GOAL),
        indicators_by_goal=many_by(
            s,
            Indicator,
            Indicator.goal_id,
            [Indicator.sort_order, Indicator.id],
            limit=INDICATORS_PER_GOAL,
        ),
        indicator_weight_total=totals_by(s, Indicator.goal_id, Indicator.weight),
        budget_lines=many_by(
            s,
            FundBudgetLine,
            FundBudgetLine.budget_id,
            [FundBudgetLine.sort_order],
        ),
        budgets_by_scope=many_by_tuple(
            s,
            FundBudget,
            [FundBudget.region_id, FundBudget.fund_type_id, FundBudget.year],
        ),
        organization=one_by(s, Organization, Organization.id),
        users_by_organization=many_by(
            s, User, User.organization_id, [User.username], limit=USERS_PER_ORGANIZATION
        ),
        user=one_by(s, User, User.id),
        transitions_by_goal=many_by(
            s,
            GoalTransition,
            GoalTransition.goal_id,
            [GoalTransition.id],
            limit=TRANSITIONS_PER_GOAL,
            newest=True,
        ),
        goals_by_lineage=many_by(
            s, Goal, Goal.lineage_id, [Goal.version, Goal.id], limit=VERSIONS_PER_GOAL, newest=True
        ),
        tax_opinions_by_goal=many_by(
            s,
            GoalTaxOpinion,
            GoalTaxOpinion.goal_id,
            [GoalTaxOpinion.id],
            limit=TAX_OPINIONS_PER_GOAL,
            newest=True,
        ),
    )


LoaderFactory = Callable[[Sessionmaker], Loaders]
