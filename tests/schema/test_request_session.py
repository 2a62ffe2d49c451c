"""One connection per request (src/schema/request_session.py): every loader batch and read resolver of a
request reads through one session, checked out on first use; mutations keep their own unit of work."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.small_requests import CHENGDU_PAGE
from src.db import create_read_sessionmaker
from src.models.enums import ActorType, GoalHorizon, GoalStatus
from src.schema.request_session import RequestSession
from tests.events.test_subscriptions import TAX_CONCUR
from tests.factories import make_budget, make_goal
from tests.schema.conftest import GraphQLClient
from tests.support.sql import CheckoutCounter, StatementCounter

# What the page sends, whatever the number of goals (test_statement_counts.py): the caller's first request,
# so its authentication is included (the actor cache keeps it after); the page itself is one joined statement
# for goals, regions and funds (src/schema/goals/pages.py).
CHENGDU_PAGE_STATEMENTS = 9
COUNTIES = ["510104", "510105", "510106", "510107"]
FUNDS = ["EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL"]


async def _chengdu(s: AsyncSession, counties: int) -> None:
    for fund in FUNDS:
        overall = await make_goal(
            s, fund_code=fund, region_code="510000", horizon=GoalHorizon.OVERALL, status=GoalStatus.ISSUED
        )
        province = await make_goal(
            s, fund_code=fund, region_code="510000", overall_goal_id=overall.id, status=GoalStatus.ISSUED
        )
        city = await make_goal(
            s, fund_code=fund, region_code="510100", parent_goal_id=province.id, status=GoalStatus.ISSUED
        )
        await make_budget(s, fund_code=fund, region_code="510100")
        for code in COUNTIES[:counties]:
            await make_goal(
                s, fund_code=fund, region_code=code, parent_goal_id=city.id, status=GoalStatus.ISSUED
            )
            await make_budget(s, fund_code=fund, region_code=code)


@pytest.mark.parametrize("counties", [1, 4])
async def test_the_chengdu_page_takes_one_connection(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
    count_checkouts: CheckoutCounter,
    counties: int,
) -> None:
    async with sessionmaker() as s:
        await _chengdu(s, counties)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, "510100")
    count_statements.reset()
    count_checkouts.reset()
    data = await gql.data(CHENGDU_PAGE)
    assert data["goals"]["totalCount"] == len(FUNDS) * (1 + counties)
    assert count_statements.count == CHENGDU_PAGE_STATEMENTS, count_statements.statements
    assert count_checkouts.count == 1


async def test_a_request_that_reads_nothing_checks_out_nothing(
    gql: GraphQLClient, count_checkouts: CheckoutCounter
) -> None:
    gql.logout()
    count_checkouts.reset()
    assert await gql.data("{ __typename }") == {"__typename": "Query"}
    assert count_checkouts.count == 0


async def test_a_mutation_payload_reads_what_the_mutation_wrote(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], count_checkouts: CheckoutCounter
) -> None:
    # The mutation commits on its own session (transaction.py); authentication and the payload's reads
    # share the request's.
    async with sessionmaker() as s:
        goal = await make_goal(s, region_code="510100", status=GoalStatus.DRAFT)
        await s.commit()
    await gql.login_as(ActorType.TAX, "510100")
    count_checkouts.reset()
    variables = {"input": {"id": str(goal.id), "rowVersion": goal.row_version}}
    document = TAX_CONCUR.replace("{ rowVersion }", "{ rowVersion taxOpinions { __typename } }")
    result = (await gql.data(document, variables))["goalTaxConcur"]
    assert len(result["goal"]["taxOpinions"]) == 1, result  # read through the request's session
    assert count_checkouts.count == 2


async def _one(session: AsyncSession, value: int) -> int:
    connection = await session.connection()
    return int((await connection.execute(text(f"SELECT {value}"))).scalar_one())


async def test_a_failed_statement_does_not_spoil_the_next_read(engine: AsyncEngine) -> None:
    shared = RequestSession(async_sessionmaker(engine, class_=AsyncSession))
    with pytest.raises(DBAPIError):
        async with shared() as session:
            await (await session.connection()).execute(text("SELECT * FROM no_such_table"))
    async with shared() as session:
        assert await _one(session, 1) == 1
    await shared.close()
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_use_outliving_the_request_gives_the_connection_back(engine: AsyncEngine) -> None:
    # A loader batch the operation's time limit left running: close() does not wait for it.
    shared = RequestSession(async_sessionmaker(engine, class_=AsyncSession))
    entered, release = asyncio.Event(), asyncio.Event()

    async def batch() -> int:
        async with shared() as session:
            first = await _one(session, 1)
            entered.set()
            await release.wait()
            return first + await _one(session, 1)

    task = asyncio.create_task(batch())
    await entered.wait()
    await shared.close()
    assert engine.sync_engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    release.set()
    assert await task == 2
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    async with shared() as session:  # after close: a session of its own, given back at once
        assert await _one(session, 2) == 2
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_request_reads_outside_a_transaction(engine: AsyncEngine) -> None:
    # PostgreSQL under READ COMMITTED reads a snapshot per statement inside a transaction too: the BEGIN and
    # ROLLBACK around a request's reads were two round trips for nothing. SQLite's driver begins none before
    # a read anyway.
    shared = RequestSession(create_read_sessionmaker(engine))
    async with shared() as session:
        assert await _one(session, 1) == 1
        raw = (await (await session.connection()).get_raw_connection()).driver_connection
        if engine.dialect.name == "postgresql":
            assert not raw.is_in_transaction()  # type: ignore[union-attr]
        else:
            assert not raw.in_transaction  # type: ignore[union-attr]
    await shared.close()
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
