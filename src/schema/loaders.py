"""DataLoaders: the mechanism every domain shares. A domain declares its kinds of loader beside its types
(src/schema/<domain>/loaders.py, each an `@loader` function built from the helpers here), and a request's
`Loaders` makes each one on first use, so caches never outlive the request and no shared file lists them.

A batch reads through the request's one session (request_session.py), under its lock: resolvers run
concurrently, and a session serves one statement at a time.
"""

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import Select, func, tuple_
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from src.schema.execution import TURN_TAKING_LOOP, take_turns
from src.schema.request_session import Sessionmaker as Sessionmaker  # what domain loaders are made with

M = TypeVar("M", bound=SQLModel)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

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


def totals_by(sessionmaker: Sessionmaker, column: Any, value: Any) -> DataLoader[Any, Decimal]:
    """The sum of `value` over the rows that point at each key (0.00 for none), all keys in one statement."""

    async def load(keys: list[Any]) -> Sequence[Decimal]:
        stmt = select(column, func.sum(value)).where(column.in_(keys)).group_by(column)
        async with sessionmaker() as session:
            connection = await session.connection()
            totals = {key: total for key, total in (await connection.execute(stmt)).all()}
        return [totals.get(key) or Decimal("0.00") for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


@dataclass(frozen=True, eq=False)
class LoaderKind(Generic[K, V]):
    """A kind of DataLoader, declared by its domain (src/schema/<domain>/loaders.py, with `@loader`); each
    request's Loaders makes its own on first use. Compared by identity: one declaration, one loader."""

    make: Callable[[Sessionmaker], DataLoader[K, V]]


def loader(make: Callable[[Sessionmaker], DataLoader[K, V]]) -> LoaderKind[K, V]:
    """Declares a kind of loader: `@loader def goal_by_id(sessionmaker) -> DataLoader[int, Goal | None]`,
    then `info.context.loaders[goal_by_id].load(...)`."""
    return LoaderKind(make)


class Loaders:
    """The DataLoaders of one request (or one event), each made on first use: a request uses a few of the
    loaders, and each one made is closures in a reference cycle, left for the garbage collector (making
    all of them for every request and event was most of the server's cyclic garbage)."""

    def __init__(self, sessionmaker: Sessionmaker) -> None:
        self.sessionmaker = sessionmaker
        self._made: dict[LoaderKind[Any, Any], DataLoader[Any, Any]] = {}

    def __getitem__(self, kind: LoaderKind[K, V]) -> DataLoader[K, V]:
        made = self._made.get(kind)
        if made is None:
            made = self._made[kind] = kind.make(self.sessionmaker)
        return made


def build_loaders(sessionmaker: Sessionmaker) -> Loaders:
    return Loaders(sessionmaker)
