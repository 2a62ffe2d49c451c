"""Reference data reloaded by `fundperf seed` moves dataVersion when it changes something, so the response
cache answers afresh; a reload that changes nothing leaves it (and the cached answers) alone."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.db import session_scope
from src.models import FundType
from src.models.enums import ActorType
from src.models.event import Event
from src.seed.reference import seed_reference_data
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.conftest import make_settings
from tests.factories import make_user

FUNDS = "{ fundTypes { code name } dataVersion }"
HEADER = "x-response-cache"


@pytest.fixture
async def client(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> AsyncIterator[httpx.AsyncClient]:
    settings: Settings = make_settings(RESPONSE_CACHE=True)
    user = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510000")
    headers = {"Authorization": f"Bearer {issue_access_token(user.id or 0, secret_key=settings.SECRET_KEY)}"}
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as client:
        yield client
    await app.state.response_cache.aclose()


async def funds(client: httpx.AsyncClient) -> tuple[str, dict[str, str], int]:
    """What the cache did, each fund's name by code, and dataVersion."""
    response = await client.post("/graphql", json={"query": FUNDS})
    body = response.json()["data"]
    names = {fund["code"]: fund["name"] for fund in body["fundTypes"]}
    return response.headers[HEADER], names, int(body["dataVersion"])


async def seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with session_scope(sessionmaker) as session:
        await seed_reference_data(session=session)


async def test_a_reseed_that_changes_reference_data_is_read_fresh(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with session_scope(sessionmaker) as session:  # as an older release shipped it
        fund = (await session.exec(select(FundType).where(FundType.code == "ENTERPRISE_PENSION"))).one()
        shipped, fund.name_zh = fund.name_zh, "旧名称"  # no event: as the data was before this release
    outcome, names, version = await funds(client)
    assert (outcome, names["ENTERPRISE_PENSION"]) == ("miss", "旧名称")
    assert (await funds(client))[0] == "hit"

    await seed(sessionmaker)  # the shipped name again: one event
    outcome, names, moved = await funds(client)
    assert (outcome, names["ENTERPRISE_PENSION"]) == ("miss", shipped)
    assert moved > version
    async with sessionmaker() as session:
        kinds = (await session.exec(select(Event.kind).where(Event.id == moved))).all()
    assert kinds == ["REFERENCE_DATA_CHANGED"]

    await seed(sessionmaker)  # nothing to change: no event, the cached answer stands
    async with sessionmaker() as session:
        assert (await session.exec(select(func.max(Event.id)))).one() == moved
    assert (await funds(client))[:2] == ("hit", names)
