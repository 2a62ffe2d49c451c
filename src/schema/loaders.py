"""DataLoaders, built fresh for every request so caches never outlive it.

Each batch opens its own short session: resolvers run concurrently, and a session must not be shared
between concurrent tasks.
"""

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from decimal import Decimal
from functools import cached_property
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


class Loaders:
    """The DataLoaders of one request (or one event), each made on first use: a request uses a few of the
    loaders, and each one made is closures in a reference cycle, left for the garbage collector (making
    all of them for every request and event was most of the server's cyclic garbage)."""

    def __init__(self, sessionmaker: Sessionmaker) -> None:
        self.sessionmaker = sessionmaker

    @cached_property
    def region(self) -> DataLoader[int, Region | None]:
        return one_by(self.sessionmaker, Region, Region.id)

    @cached_property
    def region_by_code(self) -> DataLoader[str, Region | None]:
        return one_by(self.sessionmaker, Region, Region.code)

    @cached_property
    def region_children(self) -> DataLoader[int, list[Region]]:
        return many_by(self.sessionmaker, Region, Region.parent_id, [Region.code], limit=CHILDREN_PER_REGION)

    @cached_property
    def region_descendants(self) -> DataLoader[DescendantKey, list[Region]]:
        return descendants_loader(self.sessionmaker)

    @cached_property
    def fund_type(self) -> DataLoader[int, FundType | None]:
        return one_by(self.sessionmaker, FundType, FundType.id)

    @cached_property
    def pooling_by_fund_year(self) -> DataLoader[tuple[int, int], list[PoolingArrangement]]:
        return many_by_tuple(
            self.sessionmaker, PoolingArrangement, [PoolingArrangement.fund_type_id, PoolingArrangement.year]
        )

    @cached_property
    def goal(self) -> DataLoader[int, Goal | None]:
        return one_by(self.sessionmaker, Goal, Goal.id)

    @cached_property
    def goals_by_overall(self) -> DataLoader[int, list[Goal]]:
        return many_by(
            self.sessionmaker,
            Goal,
            Goal.overall_goal_id,
            [Goal.start_year, Goal.id],
            limit=ANNUAL_GOALS_PER_OVERALL_GOAL,
        )

    @cached_property
    def goals_by_parent(self) -> DataLoader[int, list[Goal]]:
        return many_by(self.sessionmaker, Goal, Goal.parent_goal_id, [Goal.id], limit=CHILD_GOALS_PER_GOAL)

    @cached_property
    def indicators_by_goal(self) -> DataLoader[int, list[Indicator]]:
        return many_by(
            self.sessionmaker,
            Indicator,
            Indicator.goal_id,
            [Indicator.sort_order, Indicator.id],
            limit=INDICATORS_PER_GOAL,
        )

    @cached_property
    def indicator_weight_total(self) -> DataLoader[int, Decimal]:
        return totals_by(self.sessionmaker, Indicator.goal_id, Indicator.weight)

    @cached_property
    def budget_lines(self) -> DataLoader[int, list[FundBudgetLine]]:
        return many_by(
            self.sessionmaker, FundBudgetLine, FundBudgetLine.budget_id, [FundBudgetLine.sort_order]
        )

    @cached_property
    def budgets_by_scope(self) -> DataLoader[tuple[int, int, int], list[FundBudget]]:
        return many_by_tuple(
            self.sessionmaker, FundBudget, [FundBudget.region_id, FundBudget.fund_type_id, FundBudget.year]
        )

    @cached_property
    def organization(self) -> DataLoader[int, Organization | None]:
        return one_by(self.sessionmaker, Organization, Organization.id)

    @cached_property
    def users_by_organization(self) -> DataLoader[int, list[User]]:
        return many_by(
            self.sessionmaker, User, User.organization_id, [User.username], limit=USERS_PER_ORGANIZATION
        )

    @cached_property
    def user(self) -> DataLoader[int, User | None]:
        return one_by(self.sessionmaker, User, User.id)

    @cached_property
    def transitions_by_goal(self) -> DataLoader[int, list[GoalTransition]]:
        return many_by(
            self.sessionmaker,
            GoalTransition,
            GoalTransition.goal_id,
            [GoalTransition.id],
            limit=TRANSITIONS_PER_GOAL,
            newest=True,
        )

    @cached_property
    def goals_by_lineage(self) -> DataLoader[uuid.UUID, list[Goal]]:
        return many_by(
            self.sessionmaker,
            Goal,
            Goal.lineage_id,
            [Goal.version, Goal.id],
            limit=VERSIONS_PER_GOAL,
            newest=True,
        )

    @cached_property
    def tax_opinions_by_goal(self) -> DataLoader[int, list[GoalTaxOpinion]]:
        return many_by(
            self.sessionmaker,
            GoalTaxOpinion,
            GoalTaxOpinion.goal_id,
            [GoalTaxOpinion.id],
            limit=TAX_OPINIONS_PER_GOAL,
            newest=True,
        )


def build_loaders(sessionmaker: Sessionmaker) -> Loaders:
    return Loaders(sessionmaker)


LoaderFactory = Callable[[Sessionmaker], Loaders]
