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
from sqlalchemy.orm import InstrumentedAttribute
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


async def _all_rows(
    session: AsyncSession, stmt: Any, keys: list[Any] | None = None, **params: Any
) -> list[Any]:
    """The rows of `stmt` (with `keys` for its KEYS, and `params`), converted (enums, decimals) a few
    thousand at a time, taking turns with the rest of the server in between: tens of thousands of rows
    would otherwise hold the event loop for long."""
    connection = await session.connection()
    if keys is not None:
        params["keys"] = keys
    result = await connection.execute(stmt, params or None)
    rows: list[Any] = []
    for partition in result.partitions(ROWS_PER_TURN):
        rows.extend(partition)
        await take_turns()
    return rows


# The keys of a batch, in the statements built once (below): one statement, whatever the number of keys.
KEYS: sa.BindParameter[Any] = sa.bindparam("keys", expanding=True)
ROWS: sa.BindParameter[Any] = sa.bindparam("rows", type_=sa.Integer())  # the most rows of a batch
_LASTING = (type, str, int, bool, type(None), InstrumentedAttribute, sa.Column)
_statements: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}


def built_once(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The statement `build` makes, built on the first call for `key` and kept: building one (coercing a
    model's columns and the keys) cost about a tenth of a millisecond, per loader and request. A key made
    of models and their class attributes lives as long as the process; one holding anything made per call
    (`column.desc()`) is built every time, so the cache cannot grow."""
    if not all(isinstance(part, _LASTING) for part in key):
        return build()
    ids = tuple(id(part) for part in key)
    found = _statements.get(ids)
    if found is None:
        found = _statements[ids] = (key, build())  # the key's parts kept alive: their ids stay theirs
    return found[1]


def select_rows(model: type[SQLModel]) -> Select[Any]:
    """`select(model)` as fetch_rows runs it: the model's columns, rows named like its fields."""
    return sa.select(*model.__table__.columns)  # type: ignore[attr-defined]


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

    stmt = built_once(("one_by", model, column), lambda: select_rows(model).where(column.in_(KEYS)))

    async def load(keys: list[Any]) -> Sequence[M | None]:
        async with sessionmaker() as session:
            rows = cast(Sequence[M], await _all_rows(session, stmt, keys))
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
    most that many per key: the first ones in `order_by`, or the last ones when `newest`.

    With `limit`, a batch first reads its keys' rows in order, at most `limit` per key on average (LIMIT),
    and keeps each key's share here; only a batch that exceeds that (some key has more) is read again,
    ranked per key in SQL (first_per_key). The ranking's window, subquery and second sort made it the
    dearest statement of a big read, for keys that hold far fewer rows than their limit."""
    plain = built_once(
        ("many_by", model, column, *order_by),
        lambda: select_rows(model).where(column.in_(KEYS)).order_by(*order_by),
    )
    capped = built_once(("many_by capped", model, column, *order_by), lambda: plain.limit(ROWS))
    ranked = built_once(
        ("many_by", model, column, *order_by, limit, newest),
        lambda: first_per_key(model, column.in_(KEYS), column, order_by, limit or 0, newest=newest),
    )

    async def read(session: AsyncSession, keys: list[Any]) -> list[Any]:
        if limit is None:
            return await _all_rows(session, plain, keys)
        most = limit * len(keys)
        rows = await _all_rows(session, capped, keys, rows=most + 1)
        return rows if len(rows) <= most else await _all_rows(session, ranked, keys)

    async def load(keys: list[Any]) -> Sequence[list[M]]:
        async with sessionmaker() as session:
            rows = cast(Sequence[M], await read(session, keys))
        grouped: dict[Any, list[M]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, column.key)].append(row)
        if limit is not None:
            for key, found in grouped.items():
                if len(found) > limit:
                    grouped[key] = found[-limit:] if newest else found[:limit]
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

    stmt = built_once(
        ("totals_by", column, value),
        lambda: sa.select(column, func.sum(value)).where(column.in_(KEYS)).group_by(column),
    )

    async def load(keys: list[Any]) -> Sequence[Decimal]:
        async with sessionmaker() as session:
            connection = await session.connection()
            totals = {key: total for key, total in (await connection.execute(stmt, {"keys": keys})).all()}
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
