"""The HTTP and WebSocket surface of the Starlette app."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.typing import Subprotocol

from src.app import create_app
from src.db import create_engine
from src.settings import Settings
from tests.conftest import make_settings, proxied_url
from tests.support.proxy import TcpProxy
from tests.support.server import serve_app, websocket_url


async def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")  # type: ignore[arg-type]


async def test_healthz_and_readyz(engine: AsyncEngine, settings: Settings) -> None:
    async with await _client(create_app(settings, engine=engine)) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["database"] == "ok"


async def test_readyz_reports_an_unreachable_database(settings: Settings) -> None:
    dead = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with await _client(create_app(settings, engine=dead)) as client:
        assert (await client.get("/healthz")).status_code == 200
        response = await client.get("/readyz")
    await dead.dispose()
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


async def test_readyz_says_degraded_while_redis_is_away_and_healthz_stays_up(
    engine: AsyncEngine, redis_proxy: TcpProxy
) -> None:
    app = create_app(make_settings(REDIS_URL=proxied_url(redis_proxy)), engine=engine)
    try:
        async with await _client(app) as client:
            ready = await client.get("/readyz")
            assert (ready.status_code, ready.json()) == (
                200,
                {"status": "ready", "database": "ok", "redis": "ok"},
            )
            redis_proxy.cut()
            degraded = await client.get("/readyz")
            assert (degraded.status_code, degraded.json()) == (
                200,  # it serves on: a balancer must not take every instance away for a Redis outage
                {"status": "degraded", "degraded": ["redis"], "database": "ok", "redis": "unreachable"},
            )
            assert (await client.get("/healthz")).json() == {"status": "ok"}
            redis_proxy.restore()
            assert (await client.get("/readyz")).json()["status"] == "ready"
    finally:
        await app.state.redis.aclose()
        await app.state.rate_limiter.aclose()


async def test_graphiql_is_served_when_enabled_and_hidden_when_not(engine: AsyncEngine) -> None:
    async with await _client(create_app(make_settings(GRAPHIQL=True), engine=engine)) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    async with await _client(create_app(make_settings(GRAPHIQL=False), engine=engine)) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code != 200 or "graphiql" not in page.text.lower()


async def test_queries_over_get_are_refused(engine: AsyncEngine, settings: Settings) -> None:
    async with await _client(create_app(settings, engine=engine)) as client:
        response = await client.get("/graphql", params={"query": "{ fundTypes { code } }"})
    assert response.status_code in (400, 405)


@pytest.fixture
async def live_server(engine: AsyncEngine, sessionmaker: object, settings: Settings) -> AsyncIterator[str]:
    """A real uvicorn server on a free local port, in this event loop, over the test database."""
    async with serve_app(create_app(settings, engine=engine)) as base_url:
        yield base_url


async def test_query_over_graphql_transport_ws(live_server: str) -> None:
    async with websockets.connect(
        websocket_url(live_server), subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ me { username } }"}})
        )
        assert json.loads(await ws.recv()) == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"me": None}},  # anonymous: `me` is the one query open to all
        }
        assert json.loads(await ws.recv()) == {"id": "1", "type": "complete"}


async def test_legacy_graphql_ws_protocol_is_refused(live_server: str) -> None:
    async with websockets.connect(websocket_url(live_server), subprotocols=[Subprotocol("graphql-ws")]) as ws:
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            await ws.send(json.dumps({"type": "connection_init"}))
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406  # subprotocol not acceptable


async def test_http_query_through_the_real_server(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as client:
        me = await client.post("/graphql", json={"query": "{ me { username } }"})
        response = await client.post("/graphql", json={"query": "{ regions(first: 1) { totalCount } }"})
    assert me.json() == {"data": {"me": None}}
    body = response.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
