"""What the service tests of every domain share (the pattern: tests/services/goals/conftest.py): the
reference data, the bodies of a region as Actors, one service call run the way a mutation runs it, and
the whole database compared before and after a refusal."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import metadata, session_scope
from src.models.enums import ActorType, Administration
from src.seed.reference import load_reference_data
from src.services.actors import Actor
from src.services.errors import DomainError
from src.services.policy import REVIEWER_OF
from tests.factories import make_actor

T = TypeVar("T")
E = TypeVar("E", bound=DomainError)
Sessionmaker = async_sessionmaker[AsyncSession]
Call = Callable[[AsyncSession], Awaitable[T]]

MED = Administration.MEDICAL_SECURITY
HRSS = Administration.HRSS
PROVINCE, CHENGDU, ZIGONG, YAAN, JINJIANG = "510000", "510100", "510300", "511800", "510104"


async def act(sessionmaker: Sessionmaker, call: Call[T]) -> T:
    """One service call as a mutation makes it (src/schema/transaction.py `write`): its own session,
    committed when the call returns, rolled back when it raises."""
    async with session_scope(sessionmaker) as session:
        return await call(session)


async def database_state(sessionmaker: Sessionmaker) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary key order."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    async with sessionmaker() as session:
        connection = await session.connection()
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = (await connection.execute(sa.select(table).order_by(*order))).all()
            state[table.name] = [tuple(row) for row in rows]
    return state


async def refused(sessionmaker: Sessionmaker, error: type[E], call: Call[Any]) -> E:
    """Runs `call` as `act` does, expects it to raise `error`, and checks that nothing at all was written
    (the refusal rolled its transaction back: every table is as it was). Returns the error."""
    before = await database_state(sessionmaker)
    with pytest.raises(error) as caught:
        await act(sessionmaker, call)
    after = await database_state(sessionmaker)
    assert [name for name in before if before[name] != after[name]] == [], "a refusal changed these tables"
    return caught.value


@pytest.fixture
async def reference(sessionmaker: Sessionmaker) -> None:
    """The shipped reference data: regions, fund types, pooling arrangements, the indicator library."""
    async with session_scope(sessionmaker) as session:
        await load_reference_data(session=session)


@dataclass(frozen=True)
class Bodies:
    """One user of each body of a region that works on the goals and budget of one administration's funds
    (Art. 5, 7): the agency drafts, the administration does the preliminary review, finance reviews,
    issues and approves the budget, the tax department is consulted."""

    region_code: str
    agency: Actor
    reviewer: Actor
    finance: Actor
    tax: Actor


async def bodies_of(
    sessionmaker: Sessionmaker, region_code: str, administration: Administration = MED
) -> Bodies:
    async def actor(actor_type: ActorType, administration: Administration | None = None) -> Actor:
        return await make_actor(
            sessionmaker, actor_type=actor_type, region_code=region_code, administration=administration
        )

    return Bodies(
        region_code=region_code,
        agency=await actor(ActorType.AGENCY, administration),
        reviewer=await actor(REVIEWER_OF[administration], administration),
        finance=await actor(ActorType.FINANCE),
        tax=await actor(ActorType.TAX),
    )


@pytest.fixture
async def province(sessionmaker: Sessionmaker, reference: None) -> Bodies:
    """四川省: the medical funds' bodies (医保经办, 省医保局, 财政厅, 省税务局)."""
    return await bodies_of(sessionmaker, PROVINCE)


@pytest.fixture
async def chengdu(sessionmaker: Sessionmaker, reference: None) -> Bodies:
    """成都市, a pooling region of the medical funds: its medical funds' bodies."""
    return await bodies_of(sessionmaker, CHENGDU)


@pytest.fixture
async def national(sessionmaker: Sessionmaker, reference: None) -> Actor:
    """国家相关部门: reviews the province-wide goals (Art. 6, 7)."""
    return await make_actor(sessionmaker, actor_type=ActorType.NATIONAL)
