"""The actor cache across two `fundperf serve` processes sharing one database and one Redis: what process B
keeps is evicted by a change committed elsewhere (process A's mutation, or this test's session acting as
an administrator's tool with the app's evictions) before the next request B serves."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, User
from src.services.identity.actor_cache import ActorCache
from src.services.identity.actor_changes import ActorChanges
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.events.test_across_processes import server_process, until_up
from tests.reports.test_faults import worker_database_url, worker_env
from tests.schema.test_auth import ME, TOKEN_CREATE, TOKEN_REVOKE, add_user


@pytest.fixture
async def evictions(redis_url: str) -> AsyncIterator[None]:
    """This process publishes its committed changes, as every process of the app does."""
    changes = ActorChanges(ActorCache(size=0, seconds=1), redis_url)
    await changes.start()
    yield
    await changes.aclose()


async def me(server: str, token: str) -> Any:
    async with httpx.AsyncClient(base_url=server, headers={"Authorization": f"Bearer {token}"}) as http:
        body = (await http.post("/graphql", json={"query": ME})).json()
    return body["data"]["me"]


async def call(server: str, token: str, query: str, variables: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(base_url=server, headers={"Authorization": f"Bearer {token}"}) as http:
        body = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]


async def test_changes_through_one_process_evict_the_others_cache_before_its_next_request(
    engine: AsyncEngine,
    reference: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis_url: str,
    evictions: None,
    tmp_path: Path,
) -> None:
    env = worker_env(
        tmp_path,
        DATABASE_URL=worker_database_url(engine),
        REDIS_URL=redis_url,
        SECRET_KEY=settings.SECRET_KEY,
        GRAPHIQL="false",
    )
    fin = issue_access_token(await add_user(sessionmaker, "fin"), secret_key=settings.SECRET_KEY)
    admin = issue_access_token(
        await add_user(sessionmaker, "admin", is_admin=True), secret_key=settings.SECRET_KEY
    )
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    with server_process(env, tmp_path / "a.log") as a, server_process(env, tmp_path / "b.log") as b:
        await until_up(a, tmp_path / "a.log")
        await until_up(b, tmp_path / "b.log")
        assert (await me(b, fin))["fullName"] == "fin 的姓名"
        # B keeps the actor: a change behind the app's back (no eviction) is not seen yet.
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE app_user SET full_name = '改名' WHERE username = 'fin'"))
        assert (await me(b, fin))["fullName"] == "fin 的姓名"

        # An organization renamed: B's next request acts as the organization it is now.
        async with sessionmaker() as session:
            org = (await session.exec(select(Organization).where(Organization.name == "四川省财政厅"))).one()
            org.name = "四川省财政厅（新）"
            session.add(org)
            await session.commit()
        after = await me(b, fin)
        assert (after["organizationName"], after["fullName"]) == ("四川省财政厅（新）", "改名")

        # Deactivated: refused on B's next request.
        async with sessionmaker() as session:
            user = (await session.exec(select(User).where(User.username == "fin"))).one()
            user.is_active = False
            session.add(user)
            await session.commit()
        assert await me(b, fin) is None
        assert await me(a, fin) is None

        # An API token revoked through A: refused on B's next request.
        variables = {"input": {"name": "下游系统", "username": "svc_downstream", "scope": "READ"}}
        created = (await call(a, admin, TOKEN_CREATE, variables))["apiTokenCreate"]
        api_token = created["token"]
        assert (await me(b, api_token))["username"] == "svc_downstream"
        assert (await me(b, api_token))["username"] == "svc_downstream"  # from B's cache
        await call(a, admin, TOKEN_REVOKE, {"id": created["apiToken"]["id"]})
        assert await me(b, api_token) is None
