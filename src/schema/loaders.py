"""DataLoaders, built fresh for every request so caches never outlive it.

Each batch opens its own short session: resolvers run concurrently, and a session must not be shared
between concurrent tasks.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, or_, tuple_
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from src.models import (
    FundBudget,
    FundBudgetLine,
    FundType,
    Goal,
    GoalTransition,
    Indicator,
    Organization,
    PoolingArrangement,
    Region,
    User,
)
from src.models.enums import RegionLevel

M = TypeVar("M", bound=SQLModel)
K = TypeVar("K", bound=Hashable)

Sessionmaker = async_sessionmaker[AsyncSession]


async def fetch_rows(session: AsyncSession, stmt: Any, model: type[M]) -> Sequence[M]:
    """Runs `select(model)...` as plain rows named like the model's fields, not ORM objects.

    Reads need no identity map or change tracking, and skipping them makes bulk reads about twice as
    cheap. The rows are read-only; they are typed as the model because they answer the same attributes.
    """
    columns = stmt.with_only_columns(*model.__table__.columns)  # type: ignore[attr-defined]
    connection = await session.connection()
    return cast(Sequence[M], (await connection.execute(columns)).all())


def one_by(sessionmaker: Sessionmaker, model: type[M], column: Any) -> DataLoader[Any, M | None]:
    """Loads single rows by a unique column; unknown keys give None."""

    async def load(keys: list[Any]) -> Sequence[M | None]:
        async with sessionmaker() as session:
            rows = await fetch_rows(session, select(model).where(column.in_(keys)), model)
        found = {getattr(row, column.key): row for row in rows}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def many_by(
    sessionmaker: Sessionmaker,
    model: type[M],
    column: Any,
    order_by: Sequence[Any] = (),
) -> DataLoader[Any, list[M]]:
    """Loads the rows that point at each key (a one-to-many relation), in a stable order."""

    async def load(keys: list[Any]) -> Sequence[list[M]]:
        stmt = select(model).where(column.in_(keys)).order_by(*order_by)
        async with sessionmaker() as session:
            rows = await fetch_rows(session, stmt, model)
        grouped: dict[Any, list[M]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, column.key)].append(row)
        return [grouped.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


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

    return DataLoader(load_fn=load)


DescendantKey = tuple[str, RegionLevel | None]


def descendants_loader(sessionmaker: Sessionmaker) -> DataLoader[DescendantKey, list[Region]]:
    """Regions below a path (optionally of one level), all keys in one statement."""

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
            [r for r in rows if r.path.startswith(path) and r.path != path and level in (None, r.level)]
            for path, level in keys
        ]

    return DataLoader(load_fn=load)


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
    budget_lines: DataLoader[int, list[FundBudgetLine]]
    budgets_by_scope: DataLoader[tuple[int, int, int], list[FundBudget]]
    organization: DataLoader[int, Organization | None]
    users_by_organization: DataLoader[int, list[User]]
    user: DataLoader[int, User | None]
    transitions_by_goal: DataLoader[int, list[GoalTransition]]
    goals_by_lineage: DataLoader[int, list[Goal]]


def build_loaders(sessionmaker: Sessionmaker) -> Loaders:
    s = sessionmaker
    return Loaders(
        region=one_by(s, Region, Region.id),
        region_by_code=one_by(s, Region, Region.code),
        region_children=many_by(s, Region, Region.parent_id, [Region.code]),
        region_descendants=descendants_loader(s),
        fund_type=one_by(s, FundType, FundType.id),
        pooling_by_fund_year=many_by_tuple(
            s,
            PoolingArrangement,
            [PoolingArrangement.fund_type_id, PoolingArrangement.year],
        ),
        goal=one_by(s, Goal, Goal.id),
        goals_by_overall=many_by(s, Goal, Goal.overall_goal_id, [Goal.start_year, Goal.id]),
        goals_by_parent=many_by(s, Goal, Goal.parent_goal_id, [Goal.id]),
        indicators_by_goal=many_by(
            s,
            Indicator,
            Indicator.goal_id,
            [Indicator.sort_order, Indicator.id],
        ),
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
        users_by_organization=many_by(s, User, User.organization_id, [User.username]),
        user=one_by(s, User, User.id),
        transitions_by_goal=many_by(s, GoalTransition, GoalTransition.goal_id, [GoalTransition.id]),
        goals_by_lineage=many_by(s, Goal, Goal.lineage_id, [Goal.version]),
    )


LoaderFactory = Callable[[Sessionmaker], Loaders]
