"""The response cache end to end: two servers sharing Redis, on SQLite and PostgreSQL; a change made through
one is read fresh through the other, never stale; Redis gone is no cache, never an error."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models.enums import ActorType, Administration
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.conftest import StatementCounter, make_settings, proxied_url
from tests.factories import make_user
from tests.support.proxy import TcpProxy
from tests.support.server import serve_app

GOALS = """query Goals($year: Int!) {
  goals(filter: {year: $year}) { totalCount nodes { id title region { code } indicators { id } } }
}"""
CREATE = """mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename
  ... on GoalSuccess { goal { id rowVersion } } } }"""
UPDATE = """mutation($input: GoalUpdateInput!) { goalUpdate(input: $input) { __typename } }"""
HEADER = "x-response-cache"


def cached_settings(**overrides: Any) -> Settings:
    return make_settings(RESPONSE_CACHE=True, **overrides)


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return response.headers[HEADER], body["data"]


@pytest.fixture
async def token(sessionmaker: async_sessionmaker[AsyncSession], reference: None) -> str:
    await make_user(sessionmaker, actor_type=ActorType.TAX, region_code="510000")  # concurs (Art. 7)
    user = await make_user(
        sessionmaker, actor_type=ActorType.AGENCY, administration=Administration.MEDICAL_SECURITY
    )
    return issue_access_token(user.id or 0, secret_key=make_settings().SECRET_KEY)


@contextlib.asynccontextmanager
async def two_servers(
    engine: AsyncEngine, token: str, settings: Settings
) -> AsyncIterator[list[httpx.AsyncClient]]:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        serve_app(create_app(settings, engine=engine)) as url_a,
        serve_app(create_app(settings, engine=engine)) as url_b,
        httpx.AsyncClient(base_url=url_a, headers=headers) as a,
        httpx.AsyncClient(base_url=url_b, headers=headers) as b,
    ):
        yield [a, b]


@pytest.fixture
async def servers(engine: AsyncEngine, token: str, redis_url: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two servers of one deployment: each its app and memory, one database and one Redis."""
    async with two_servers(engine, token, cached_settings(REDIS_URL=redis_url)) as clients:
        yield clients


async def test_a_change_through_one_server_is_read_fresh_through_the_other(
    servers: list[httpx.AsyncClient],
) -> None:
    a, b = servers
    year = {"year": 2026}
    assert await post(a, GOALS, year) == ("miss", {"goals": {"totalCount": 0, "nodes": []}})
    assert (await post(a, GOALS, year))[0] == "hit"
    assert (await post(b, GOALS, year))[0] == "hit"  # from Redis

    created: dict[str, object] = {"fundTypeCode": "EMPLOYEE_MEDICAL", "regionCode": "510000"}
    created |= {"horizon": "ANNUAL", "startYear": 2026, "endYear": 2026, "title": "四川 2026"}
    outcome, data = await post(a, CREATE, {"input": created})
    assert outcome == "bypass" and data["goalCreate"]["__typename"] == "GoalSuccess"
    goal = data["goalCreate"]["goal"]

    outcome, data = await post(b, GOALS, year)
    assert outcome == "miss" and [g["title"] for g in data["goals"]["nodes"]] == ["四川 2026"]
    assert (await post(a, GOALS, year))[1] == data  # a finds what b stored

    update = {"id": goal["id"], "rowVersion": goal["rowVersion"], "title": "四川 2026（修改）"}
    assert (await post(b, UPDATE, {"input": update}))[1]["goalUpdate"]["__typename"] == "GoalSuccess"
    for client in (a, b, a):  # never the title before the change
        _, data = await post(client, GOALS, year)
        assert [g["title"] for g in data["goals"]["nodes"]] == ["四川 2026（修改）"]


async def test_what_is_not_cacheable_is_answered_each_time(servers: list[httpx.AsyncClient]) -> None:
    a, _ = servers
    for _ in range(2):
        assert (await post(a, "{ me { username } }", {}))[0] == "bypass"
    response = await a.post("/graphql", json={"query": "{ goals { nodes { id } "})
    assert response.headers[HEADER] == "bypass" and "errors" in response.json()
    for _ in range(2):  # an answer with errors is not kept
        response = await a.post("/graphql", json={"query": '{ goal(id: "x") { __typename } }'})
        assert response.headers[HEADER] == "miss" and "errors" in response.json()


async def test_without_redis_each_server_caches_in_memory(engine: AsyncEngine, token: str) -> None:
    async with two_servers(engine, token, cached_settings()) as (a, b):
        assert [(await post(c, GOALS, {"year": 2026}))[0] for c in (a, a, b, b)] == [
            "miss",
            "hit",
            "miss",
            "hit",
        ]


async def test_redis_gone_is_no_shared_cache_never_an_error(
    engine: AsyncEngine, token: str, redis_proxy: TcpProxy
) -> None:
    settings = cached_settings(REDIS_URL=proxied_url(redis_proxy))
    async with two_servers(engine, token, settings) as (a, b):
        assert (await post(a, GOALS, {"year": 2026}))[0] == "miss"
        redis_proxy.cut()
        assert (await post(b, GOALS, {"year": 2026}))[0] == "miss"  # Redis unreachable: b answers itself
        assert (await post(a, GOALS, {"year": 2026}))[0] == "hit"  # a's memory still serves
        redis_proxy.restore()


async def test_a_hit_costs_the_callers_authentication_and_one_statement(
    engine: AsyncEngine, token: str, count_statements: StatementCounter
) -> None:
    app = create_app(cached_settings(), engine=engine)  # no lifespan: no relay polling while counting
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as a:
        count_statements.reset()
        assert (await post(a, "{ __typename }", {}))[0] == "miss"  # executes no statement
        assert count_statements.count == 2  # the caller's authentication (then kept) and dataVersion
        await post(a, GOALS, {"year": 2026})
        count_statements.reset()
        assert (await post(a, GOALS, {"year": 2026}))[0] == "hit"
        # The actor cache knows the caller by now (src/services/identity/actor_cache.py): a hit is the
        # dataVersion statement alone.
        assert count_statements.count == 1
        assert sum("max(event.id)" in s.lower() for s in count_statements.statements) == 1  # dataVersion
    await app.state.response_cache.aclose()  # its dataVersion connection (the lifespan would close it)


async def test_more_concurrent_first_requests_than_the_pool_holds_are_all_answered(
    engine: AsyncEngine, token: str
) -> None:
    # Each first request authenticates on a connection of the pool; the cache's dataVersion read, one at a
    # time, needs a connection of its own. Were it read after authenticating, requests holding every pooled
    # connection would wait for it while it waited for one of theirs (until the pool's timeout).
    pool = engine.sync_engine.pool
    concurrent = pool.size() + getattr(pool, "_max_overflow", 0) + 10  # type: ignore[attr-defined]
    app = create_app(cached_settings(), engine=engine)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as client:
        answers = await asyncio.wait_for(
            asyncio.gather(*(post(client, "{ fundTypes { code } }", {}) for _ in range(concurrent))), 25
        )
    await app.state.response_cache.aclose()  # its dataVersion connection (the lifespan would close it)
    await app.state.jobs.aclose()
    assert len(answers) == concurrent and all(data["fundTypes"] for _, data in answers)
