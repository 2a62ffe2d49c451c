"""The actor cache in one process (src/services/identity/actor_cache.py): a known credential costs a
request no statement; a change committed through any session of the process evicts at once; what changes
behind the app's back, and credentials that expire, end the entry on their own."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models import ApiToken, Assignment, Organization, Region, User
from src.models.enums import ActorType
from src.services.actors import Actor
from src.services.identity.actor_cache import ActorCache, Change
from src.services.identity.actor_changes import change_of
from src.services.identity.authentication import Authenticated
from src.services.identity.tokens import issue_access_token
from tests.conftest import make_settings
from tests.factories import make_user
from tests.schema.test_auth import ME
from tests.support.sql import StatementCounter

REPORT_JOB = '{ reportJob(id: "999999") { __typename } }'


@pytest.fixture
async def client(engine: AsyncEngine, reference: None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(ACTOR_CACHE_SECONDS=0.5), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http
    await app.state.jobs.aclose()


async def post(http: httpx.AsyncClient, token: str, query: str = ME) -> Any:
    response = await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.json()["data"]


def token_of(user: User, ttl: timedelta = timedelta(minutes=15)) -> str:
    return issue_access_token(user.id or 0, secret_key=make_settings().SECRET_KEY, ttl=ttl)


async def test_a_cached_report_job_read_sends_the_job_read_only(
    engine: AsyncEngine,
    reference: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    token = token_of(await make_user(sessionmaker))
    counts = {}
    for size in (0, 10):
        app = create_app(make_settings(ACTOR_CACHE_SIZE=size), engine=engine)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            await post(http, token, REPORT_JOB)
            count_statements.reset()
            assert (await post(http, token, REPORT_JOB))["reportJob"]["__typename"] == "NotFoundError"
            counts[size] = list(count_statements.statements)
    # Cached: the job's read alone; uncached, the actor's read besides.
    assert len(counts[10]) == 1 and "FROM report_job" in counts[10][0], counts[10]
    assert len(counts[0]) == 2 and "FROM app_user" in counts[0][0], counts[0]


async def test_a_request_without_credentials_opens_no_session(
    engine: AsyncEngine, reference: None, count_statements: StatementCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(make_settings(), engine=engine)
    opened: list[object] = []
    original = type(app.state.sessionmaker).__call__

    def counted(self: Any, **kw: Any) -> Any:
        opened.append(self)
        return original(self, **kw)

    monkeypatch.setattr(type(app.state.sessionmaker), "__call__", counted)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        for headers in ({}, {"Authorization": "Basic x"}, {"Authorization": "Bearer "}):
            assert (
                await http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
            ).status_code == 200
    assert opened == [] and count_statements.count == 0


async def test_a_change_committed_in_the_process_evicts_at_once(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    user = await make_user(sessionmaker)
    token = token_of(user)
    assert (await post(client, token))["me"]["fullName"] == user.full_name
    count_statements.reset()
    await post(client, token)
    assert not [s for s in count_statements.statements if "FROM app_user" in s]  # only me's region name
    async with sessionmaker() as session:
        org = await session.get_one(Organization, user.organization_id)
        org.name = "改名的机构"
        session.add(org)
        await session.commit()
    assert (await post(client, token))["me"]["organizationName"] == "改名的机构"
    async with sessionmaker() as session:
        row = await session.get_one(User, user.id)
        row.is_active = False
        session.add(row)
        await session.commit()
    assert (await post(client, token))["me"] is None


async def test_a_change_behind_the_apps_back_takes_effect_after_actor_cache_seconds(
    client: httpx.AsyncClient, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = await make_user(sessionmaker)
    token = token_of(user)
    await post(client, token)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE app_user SET is_active = false WHERE id = :id"), {"id": user.id})
    assert (await post(client, token))["me"] is not None  # kept: nothing told the process
    await asyncio.sleep(0.6)  # ACTOR_CACHE_SECONDS=0.5
    assert (await post(client, token))["me"] is None


async def test_an_access_token_is_not_served_past_its_expiry(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    token = token_of(await make_user(sessionmaker), ttl=timedelta(seconds=1))
    assert (await post(client, token))["me"] is not None
    await asyncio.sleep(1.1)
    assert (await post(client, token))["me"] is None


async def test_a_third_party_is_read_afresh_every_time(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    # Its assignments begin and end by the clock: no entry could say until when it holds.
    token = token_of(await make_user(sessionmaker, actor_type=ActorType.THIRD_PARTY))
    await post(client, token)
    count_statements.reset()
    assert (await post(client, token))["me"] is not None
    reads = count_statements.statements
    assert "FROM app_user" in reads[0] and "FROM assignment" in reads[1], reads


def actor(user_id: int, organization_id: int = 1) -> Authenticated:
    values: dict[str, Any] = dict(
        username="u", full_name="u", organization_name="o", actor_type=ActorType.FINANCE
    )
    values |= dict(
        administration=None,
        region_id=1,
        region_code="510000",
        region_path="/510000/",
        region_level="PROVINCE",
    )
    return Authenticated(Actor(user_id=user_id, organization_id=organization_id, **values), None, None)


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    cache = ActorCache(size=2, seconds=60)
    for key in "abc":
        cache.put(key, actor(ord(key)), now=0, generation=cache.generation)
        if key == "b":
            assert cache.get("a", 1) is not None  # a is used: b goes first
    assert (cache.get("a", 1) is not None, cache.get("b", 1), cache.get("c", 1) is not None) == (
        True,
        None,
        True,
    )
    assert cache.get("a", 61) is None  # past ACTOR_CACHE_SECONDS


def test_an_eviction_drops_its_users_and_organizations_and_what_was_read_before_it() -> None:
    cache = ActorCache(size=10, seconds=60)
    for user_id, organization_id in ((1, 10), (2, 20), (3, 30)):
        cache.put(str(user_id), actor(user_id, organization_id), now=0, generation=0)
    read_before = cache.generation
    cache.evict(Change(users=frozenset({1}), organizations=frozenset({20})))
    assert [cache.get(k, 1) is not None for k in "123"] == [False, False, True]
    cache.put("4", actor(4), now=0, generation=read_before)  # read before the eviction: may be stale
    assert cache.get("4", 1) is None


def test_what_a_written_row_evicts() -> None:
    # Rows as a flush sees them (only the columns that decide).
    assert change_of(Assignment(organization_id=7)) == Change(organizations=frozenset({7}))  # type: ignore[call-arg]
    assert change_of(ApiToken(user_id=3)) == Change(users=frozenset({3}))  # type: ignore[call-arg]
    assert change_of(Region(id=1)).everything  # type: ignore[call-arg]
